// Galley's preview script. It runs in Qt's isolated application world, so it
// works while the page's own JavaScript is disabled, and the post's markup
// can neither see nor call it. Python sends it updates; it patches only the
// blocks that changed, so the page never reloads, flickers or jumps.
(function () {
  "use strict";

  function blockNode(id, line, html) {
    const node = document.createElement("div");
    node.className = "galley-block";
    node.dataset.block = id;
    node.dataset.line = String(line);
    node.innerHTML = html;
    return node;
  }

  // Clicks on links are the window's to decide (open a post, open the
  // browser, refuse): report them and stop the page from navigating.
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link) return;
      const href = link.getAttribute("href");
      if (href.startsWith("#")) return; // a jump within the page
      event.preventDefault();
      if (window.galley.bridge) window.galley.bridge.report_link(link.href);
    },
    true
  );

  if (typeof QWebChannel !== "undefined" && typeof qt !== "undefined") {
    new QWebChannel(qt.webChannelTransport, (channel) => {
      window.galley.bridge = channel.objects.bridge;
    });
  }

  window.galley = {
    bridge: null,
    // update: {header: string|null, order: [[id, line], ...], html: {id: html}}
    apply(update) {
      const root = document.getElementById("galley-article");
      if (!root) return -1;
      if (typeof update.header === "string") {
        document.getElementById("galley-header").innerHTML = update.header;
      }
      const existing = new Map();
      for (const node of Array.from(root.children)) existing.set(node.dataset.block, node);
      const wanted = new Set(update.order.map((pair) => pair[0]));
      for (const [id, node] of existing) {
        if (!wanted.has(id)) node.remove();
      }
      let previous = null;
      for (const [id, line] of update.order) {
        let node = existing.get(id);
        if (node) {
          node.dataset.line = String(line);
        } else {
          node = blockNode(id, line, update.html[id] || "");
        }
        const expected = previous ? previous.nextElementSibling : root.firstElementChild;
        if (node !== expected) root.insertBefore(node, expected);
        previous = node;
      }
      return root.children.length;
    },
  };
})();
