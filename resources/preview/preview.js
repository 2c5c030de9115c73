// Galley's preview script. It runs in Qt's isolated application world, so it
// works while the page's own JavaScript is disabled, and the post's markup
// can neither see nor call it. Python sends it updates; it patches only the
// blocks that changed, so the page never reloads, flickers or jumps.
(function () {
  "use strict";

  // The article holds chunks of up to CHUNK * 2 blocks. A chunk is a plain
  // block box (margins collapse through it as if it were not there); it
  // lets the engine lay out again only the chunk an edit touched, not every
  // block of a long post (10 ms a keystroke for a 1 MB post, 0.6 ms with
  // chunks). ``nodes`` and ``lines`` list the blocks and their file lines
  // in order, so moving lines never touches the page.
  const CHUNK = 64;
  // Posts of more blocks than this are "long": see preview.css.
  const LONG = 400;
  let nodes = [];
  let lines = [];

  function blockNode(id, html) {
    const node = document.createElement("div");
    node.className = "galley-block";
    node.dataset.block = id;
    node.innerHTML = html;
    if (!window.galley.remote) markRemote(node);
    return node;
  }

  function newChunk() {
    const chunk = document.createElement("div");
    chunk.className = "galley-chunk";
    return chunk;
  }

  // Split a chunk grown past twice the size into chunks of CHUNK blocks.
  function rebalance(root, chunk) {
    if (chunk.childElementCount <= CHUNK * 2) return;
    const kids = Array.from(chunk.children);
    const after = chunk.nextSibling;
    for (let i = CHUNK; i < kids.length; i += CHUNK) {
      const next = newChunk();
      next.append(...kids.slice(i, i + CHUNK));
      root.insertBefore(next, after);
    }
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
  let commanded = null;
  let scrollRequest = 0;
  let reportPending = false;

  // The first block (index) whose box ends below the top of the viewport,
  // with its box; blocks without a box (empty) are skipped.
  function firstVisible() {
    let lo = 0;
    let hi = nodes.length;
    let found = null;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      let i = mid;
      let rect = null;
      while (i < hi && !(rect = blockRect(i))) i++;
      if (!rect) {
        hi = mid;
      } else if (rect.bottom > 0) {
        found = [i, rect];
        hi = mid;
      } else {
        lo = i + 1;
      }
    }
    return found;
  }

  // The file line at the top of the viewport, interpolated inside a block.
  function lineAtTop() {
    const found = firstVisible();
    if (!found) return 0;
    const [i, rect] = found;
    const line = lines[i];
    const next = i + 1 < lines.length ? lines[i + 1] : line + 1;
    const share = rect.height > 0 ? Math.min(1, Math.max(0, -rect.top / rect.height)) : 0;
    return line + share * Math.max(0, next - line);
  }

  // The index of the last block starting at or before file line ``line``.
  function indexAtLine(line) {
    let lo = 0;
    let hi = lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lines[mid] <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  // The box of block ``i``. In a chunk the engine skips (a long post, out
  // of view) the blocks have no real place: share the chunk's estimated
  // height among them, so positions agree with the page as it scrolls.
  function blockRect(i) {
    const node = nodes[i];
    const chunk = node.parentNode;
    if (chunk && chunk.parentNode && chunk.parentNode.classList.contains("galley-long")) {
      const probe = chunk.querySelector(":scope > .galley-block > *");
      if (probe && !probe.checkVisibility({ contentVisibilityAuto: true })) {
        const box = chunk.getBoundingClientRect();
        const count = chunk.childElementCount;
        const k = Array.prototype.indexOf.call(chunk.children, node);
        const height = box.height / count;
        return { top: box.top + k * height, bottom: box.top + (k + 1) * height, height: height };
      }
    }
    return firstRect(node);
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
    // Where a command put the page: not reported (several scrolls before a
    // frame come as one event, so the position tells, not a count).
    if (commanded !== null && Math.abs(window.scrollY - commanded) < 1) return;
    commanded = null;
    scrollRequest++; // the reader scrolled: no more corrections
    if (reportPending) return;
    reportPending = true;
    requestAnimationFrame(() => {
      reportPending = false;
      if (window.galley.bridge) window.galley.bridge.report_scroll(lineAtTop());
    });
  });

  // The page offset that puts file line ``line`` at the top of the view.
  function offsetOfLine(line) {
    const index = indexAtLine(line);
    if (index < 0) return 0;
    const rect = blockRect(index);
    if (!rect) return window.scrollY;
    const start = lines[index];
    const next = index + 1 < lines.length ? lines[index + 1] : start + 1;
    const share = next > start ? Math.min(1, (line - start) / (next - start)) : 0;
    return Math.max(0, Math.round(window.scrollY + rect.top + share * rect.height));
  }

  // Scroll so file line ``line`` is at the top. In a long post the chunks
  // that come into view are laid out only then and may turn out taller or
  // shorter than estimated: look again after the next frames and correct.
  function scrollToLine(line, corrections) {
    const request = ++scrollRequest;
    const y = offsetOfLine(line);
    if (Math.abs(window.scrollY - y) >= 1) {
      window.scrollTo(0, y);
      commanded = window.scrollY; // where it could go (the end of the page stops it)
    }
    if (corrections > 0) {
      requestAnimationFrame(() => {
        if (request === scrollRequest) scrollToLine(line, corrections - 1);
      });
    }
  }

  window.galley = {
    bridge: null,
    remote: false,

    // Bring file line ``line`` to the top of the view.
    scrollToLine(line) {
      scrollToLine(line, 4);
      return window.scrollY;
    },

    lineAtTop: lineAtTop,

    // The block shown for file line ``line`` (for tests and scripts).
    blockAt(line) {
      const index = indexAtLine(line);
      return index >= 0 ? nodes[index] : null;
    },

    // The blocks' ids and file lines, in order (for tests and scripts).
    shown() {
      return nodes.map((node, i) => [node.dataset.block, lines[i]]);
    },

    // update: {header: string|null, prefix: n, remove: n, insert: [[id, line, html]], shift: n}
    // The first ``prefix`` blocks stay, the next ``remove`` go (-1: all of
    // them), ``insert`` comes in their place, and the blocks after it move
    // by ``shift`` lines.
    patch(update) {
      const root = document.getElementById("galley-article");
      if (!root) return -1;
      if (typeof update.header === "string") {
        document.getElementById("galley-header").innerHTML = update.header;
      }
      if (update.remove < 0) {
        root.replaceChildren();
        nodes = [];
        lines = [];
      }
      const prefix = update.prefix;
      for (const node of nodes.slice(prefix, prefix + Math.max(0, update.remove))) {
        const chunk = node.parentNode;
        node.remove();
        if (chunk && !chunk.firstChild) chunk.remove();
      }
      const fresh = update.insert.map(([id, , html]) => blockNode(id, html));
      const tail = nodes.slice(prefix + Math.max(0, update.remove));
      const anchor = tail.length ? tail[0] : null;
      let chunk = anchor ? anchor.parentNode : root.lastElementChild;
      if (!chunk) chunk = root.appendChild(newChunk());
      if (fresh.length) {
        const fragment = document.createDocumentFragment();
        for (const node of fresh) fragment.appendChild(node);
        chunk.insertBefore(fragment, anchor);
        rebalance(root, chunk);
      }
      const tailLines = lines.slice(prefix + Math.max(0, update.remove));
      if (update.shift) {
        for (let i = 0; i < tailLines.length; i++) tailLines[i] += update.shift;
      }
      nodes = nodes.slice(0, prefix).concat(fresh, tail);
      lines = lines.slice(0, prefix).concat(update.insert.map((item) => item[1]), tailLines);
      const long = nodes.length > LONG;
      root.classList.toggle("galley-long", long);
      document.documentElement.classList.toggle("galley-long-page", long);
      return nodes.length;
    },
  };
})();
