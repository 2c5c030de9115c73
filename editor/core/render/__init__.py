"""The render pipeline: post body -> Liquid (as Jekyll) -> Markdown (as
kramdown) -> sanitised HTML in top-level blocks tagged with source lines."""
