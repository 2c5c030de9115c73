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
    if (!window.galley.remote) markRemote(node);
    return node;
  }

  // Remote images are never fetched unless the reader allows it for this
  // post: show where they would come from instead.
  function markRemote(node) {
    for (const image of node.querySelectorAll("img[src^='http:'], img[src^='https:'], img[src^='//']")) {
      const note = document.createElement("span");
      note.className = "galley-remote";
      note.textContent = "\u{1F6AB} " + image.getAttribute("src");
      note.title = image.getAttribute("alt") || "";
      image.replaceWith(note);
    }
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

  // Scrolling: the page reports the source line at its top; commands to
  // scroll (from the editor) are not reported back, so the two never chase
  // each other.
  let commanded = false;
  let reportPending = false;

  function blocks() {
    return Array.from(document.querySelectorAll("#galley-article > .galley-block"));
  }

  // The file line at the top of the viewport, interpolated inside a block.
  function lineAtTop() {
    const all = blocks();
    for (let i = 0; i < all.length; i++) {
      const rect = firstRect(all[i]);
      if (!rect) continue;
      if (rect.bottom > 0) {
        const line = Number(all[i].dataset.line);
        const next = i + 1 < all.length ? Number(all[i + 1].dataset.line) : line + 1;
        const share = rect.height > 0 ? Math.min(1, Math.max(0, -rect.top / rect.height)) : 0;
        return line + share * Math.max(0, next - line);
      }
    }
    return 0;
  }

  // A block is display: contents; measure its children together.
  function firstRect(block) {
    let top = Infinity;
    let bottom = -Infinity;
    for (const child of block.children) {
      const r = child.getBoundingClientRect();
      top = Math.min(top, r.top);
      bottom = Math.max(bottom, r.bottom);
    }
    return top === Infinity ? null : { top: top, bottom: bottom, height: bottom - top };
  }

  window.addEventListener("scroll", () => {
    if (commanded) {
      commanded = false;
      return;
    }
    if (reportPending) return;
    reportPending = true;
    requestAnimationFrame(() => {
      reportPending = false;
      if (window.galley.bridge) window.galley.bridge.report_scroll(lineAtTop());
    });
  });

  window.galley = {
    bridge: null,
    remote: false,

    // Bring file line ``line`` to the top of the view.
    scrollToLine(line) {
      const all = blocks();
      let index = -1;
      for (let i = 0; i < all.length; i++) {
        if (Number(all[i].dataset.line) <= line) index = i;
        else break;
      }
      let y = 0;
      if (index >= 0) {
        const rect = firstRect(all[index]);
        if (rect) {
          const start = Number(all[index].dataset.line);
          const next = index + 1 < all.length ? Number(all[index + 1].dataset.line) : start + 1;
          const share = next > start ? Math.min(1, (line - start) / (next - start)) : 0;
          y = window.scrollY + rect.top + share * rect.height;
        }
      }
      y = Math.max(0, Math.round(y));
      if (Math.abs(window.scrollY - y) < 1) return window.scrollY;
      commanded = true;
      window.scrollTo(0, y);
      return window.scrollY;
    },

    lineAtTop: lineAtTop,

    // update: {header: string|null, prefix: n, remove: n, insert: [[id, line, html]], shift: n}
    // The first ``prefix`` blocks stay, the next ``remove`` go, ``insert``
    // comes in their place, and the blocks after it move by ``shift`` lines.
    patch(update) {
      const root = document.getElementById("galley-article");
      if (!root) return -1;
      if (typeof update.header === "string") {
        document.getElementById("galley-header").innerHTML = update.header;
      }
      const children = root.children;
      for (let i = 0; i < update.remove; i++) {
        const node = children[update.prefix];
        if (node) node.remove();
      }
      const before = children[update.prefix] || null;
      const fragment = document.createDocumentFragment();
      for (const [id, line, html] of update.insert) fragment.appendChild(blockNode(id, line, html));
      root.insertBefore(fragment, before);
      if (update.shift) {
        for (let i = update.prefix + update.insert.length; i < children.length; i++) {
          children[i].dataset.line = String(Number(children[i].dataset.line) + update.shift);
        }
      }
      return children.length;
    },
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
