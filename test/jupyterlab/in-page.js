// Probes the JupyterLab tests run inside the page (added with page.addInitScript): what each output
// of the open notebook rendered as, and the contrast of every piece of output text against the
// background it is actually drawn on. Plain browser JavaScript; results are plain JSON.
(() => {
  /** The open notebook panel. */
  function panel() {
    const widget = window.jupyterapp?.shell.currentWidget;
    if (!widget || !widget.content || !widget.content.widgets) throw new Error("no notebook is open");
    return widget;
  }

  /** Enough of an output to tell whether it changed: its text and the sources of its images. */
  function signature(node) {
    const images = [...node.querySelectorAll("img")].filter((img) => img.naturalWidth > 1);
    // A live display's blank slot (a 1×1 image) shows nothing: no state.
    return node.innerText.trim() + images.map((img) => img.src.slice(-64)).join("|");
  }

  /** A code cell's output nodes, one per output of its model (an output with nothing to show has none). */
  function outputNodes(cell) {
    return cell.outputArea.widgets.map((w) => w.node.querySelector(".jp-OutputArea-output"));
  }

  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

  /** Every output of every code cell: the MIME types in its bundle, the one rendered, and its graphics. */
  async function outputs() {
    const cells = [];
    const widgets = panel().content.widgets;
    for (let cellIndex = 0; cellIndex < widgets.length; cellIndex++) {
      const cell = widgets[cellIndex];
      if (cell.model.type !== "code") continue;
      // On screen, so the browser lays it out (JupyterLab skips the layout of cells far off screen).
      cell.node.scrollIntoView();
      await nextFrame();
      const nodes = outputNodes(cell);
      const items = [];
      for (let i = 0; i < cell.model.outputs.length; i++) {
        const model = cell.model.outputs.get(i);
        const node = nodes[i];
        const box = node?.getBoundingClientRect();
        const images = node ? [...node.querySelectorAll("img")] : [];
        items.push({
          type: model.type,
          mimeTypes: Object.keys(model.data),
          trusted: model.trusted,
          rendered: node?.getAttribute("data-mime-type") ?? null,
          text: (node?.innerText ?? "").slice(0, 200),
          size: box ? [Math.round(box.width), Math.round(box.height)] : [0, 0],
          svgs: node ? node.querySelectorAll("svg").length : 0,
          images: images.map((img) => ({ loaded: img.complete && img.naturalWidth > 0, width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height })),
          // Graphics drawn by HTML boxes: the accumulation counter's segments.
          segments: node ? [...node.querySelectorAll(".tsgrad-segment.tsgrad-filled")].map((s) => s.getBoundingClientRect().width) : [],
        });
      }
      cells.push({ cellIndex, executionCount: cell.model.executionCount, outputs: items });
    }
    return cells;
  }

  /** Per code cell, the signature of each output, for watching live displays while cells run. */
  function liveSample() {
    return panel()
      .content.widgets.filter((cell) => cell.model.type === "code")
      .map((cell) => outputNodes(cell).map((node) => (node ? signature(node) : "")));
  }

  function parseColor(text) {
    const m = /rgba?\(([^)]+)\)/.exec(text);
    if (!m) return null;
    const [r, g, b, a = "1"] = m[1].split(/[\s,/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(b), Number(a)];
  }
  /** `top` drawn over the opaque `bottom`. */
  const over = (top, bottom) => [0, 1, 2].map((k) => top[k] * top[3] + bottom[k] * (1 - top[3])).concat(1);
  function luminance([r, g, b]) {
    const lin = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  }
  /** The opaque colour behind `element`: its own and its ancestors' backgrounds, composited. */
  function backgroundOf(element) {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const color = parseColor(getComputedStyle(e).backgroundColor);
      if (color && color[3] > 0) {
        layers.push(color);
        if (color[3] >= 1) break;
      }
    }
    let base = [255, 255, 255, 1];
    for (const layer of layers.reverse()) base = layer[3] >= 1 ? layer : over(layer, base);
    return base;
  }

  /** WCAG contrast of every output text against its actual background; the lowest ones first. */
  function contrast() {
    const results = [];
    const area = panel().content.node;
    const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const element = node.parentElement;
      if (!text || !element || !element.closest(".jp-OutputArea-output")) continue;
      const style = getComputedStyle(element);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const background = backgroundOf(element);
      const color = over(parseColor(style.color) ?? [0, 0, 0, 1], background);
      const [l1, l2] = [luminance(color), luminance(background)].sort((a, b) => b - a);
      results.push({ text: text.slice(0, 60), ratio: Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100, color: style.color, background: `rgb(${background.slice(0, 3).map(Math.round).join(",")})` });
    }
    return results.sort((a, b) => a.ratio - b.ratio);
  }

  window.tsgradProbe = { outputs, liveSample, contrast };
})();
