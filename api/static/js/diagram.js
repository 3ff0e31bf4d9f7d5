// Process diagrams: every <div class="bpmn-diagram" data-xml-url="…" [data-state-url="…"]> is drawn
// with the vendored bpmn-js NavigatedViewer (drag to pan, Ctrl + wheel to zoom), fitted to its
// frame. The macro pages/macros/diagram.html writes the element, its words (data-text-*, in the
// page's language), the lane labels (data-lane-labels: role code -> name) and the tool buttons.
//
// With a state URL, the JSON {"completed": [element ids], "flows": [sequence flow ids],
// "active": [{"id", "task", "department", "colour", "colour_label", "due"}], "closed": bool}
// paints the path taken (marker diagram-done, flows diagram-flow-done), marks each task waiting
// now (diagram-active and diagram-due-<colour>) and says who has it and until when: on hover or
// click over the task, and in words under the diagram.
//
// The element says how drawing went in data-diagram: loading, ready or error (with
// data-diagram-error), so tests and people see a failure instead of an empty frame.
(function () {
  "use strict";

  function word(el, key) { return el.dataset["text" + key] || ""; }

  async function fetchOk(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json, application/xml" } });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response;
  }

  function relabelLanes(viewer, labels) {
    const factory = viewer.get("graphicsFactory"), canvas = viewer.get("canvas");
    viewer.get("elementRegistry").filter(function (e) { return e.type === "bpmn:Lane"; }).forEach(function (lane) {
      const name = labels[lane.businessObject.name];
      if (!name) return;
      lane.businessObject.name = name;
      factory.update("shape", lane, canvas.getGraphics(lane));
    });
  }

  function paintPath(el, viewer, state) {
    const registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas");
    const factory = viewer.get("graphicsFactory");
    // the flows' colour is bpmn-js's own (so the arrowheads take it too): diagram.css's --diagram-done
    const colour = getComputedStyle(el).getPropertyValue("--diagram-done").trim() || "#5f8a73";
    (state.completed || []).forEach(function (id) { if (registry.get(id)) canvas.addMarker(id, "diagram-done"); });
    (state.flows || []).forEach(function (id) {
      const flow = registry.get(id);
      if (!flow || !flow.waypoints) return;
      canvas.addMarker(id, "diagram-flow-done");
      flow.di.set("bioc:stroke", colour);
      factory.update("connection", flow, canvas.getGraphics(flow));
    });
  }

  // One entry per element: a multi-instance task waiting in several departments shows them all,
  // coloured by the most urgent.
  function activeByElement(state) {
    const rank = { red: 3, yellow: 2, green: 1 };
    const found = {};
    (state.active || []).forEach(function (step) {
      const entry = found[step.id] || (found[step.id] = { task: step.task, steps: [], colour: null });
      entry.steps.push(step);
      if ((rank[step.colour] || 0) > (rank[entry.colour] || 0)) entry.colour = step.colour;
    });
    return found;
  }

  // The marker colours the task; a small badge over it (HTML, so it stays legible when the whole
  // process is fitted into the frame) says its time-limit colour in words.
  function paintActive(el, viewer, active) {
    const registry = viewer.get("elementRegistry"), canvas = viewer.get("canvas"), overlays = viewer.get("overlays");
    Object.keys(active).forEach(function (id) {
      if (!registry.get(id)) return;
      const colour = active[id].colour || "none";
      canvas.removeMarker(id, "diagram-done");
      canvas.addMarker(id, "diagram-active");
      canvas.addMarker(id, "diagram-due-" + colour);
      const badge = document.createElement("span");
      badge.className = "diagram-now diagram-due-" + colour;
      const step = active[id].steps.find(function (s) { return s.colour === active[id].colour; }) || {};
      badge.textContent = step.colour_label || word(el, "Now");
      overlays.add(id, "diagram-now", { position: { top: -19, left: -2 }, html: badge, scale: { min: 0.8, max: 1 } });
    });
  }

  // "办理 · 湖滨街道 [正常] 办理时限 2026-05-06 17:30" as DOM nodes (names are data, never HTML).
  function describe(el, task, step) {
    const line = document.createElement("span");
    const parts = [task, step.department || word(el, "Center")];
    line.append(parts.join(" · "));
    if (step.colour) {
      const badge = document.createElement("span");
      badge.className = "badge " + step.colour;
      badge.textContent = step.colour_label || step.colour;
      line.append(" ", badge);
    }
    if (step.due) line.append(" " + word(el, "Due") + " " + step.due);
    return line;
  }

  function tooltip(el, viewer, active) {
    const tip = document.createElement("div");
    tip.className = "diagram-tip";
    tip.hidden = true;
    tip.setAttribute("role", "tooltip");
    el.append(tip);
    function show(event) {
      const entry = active[event.element.id];
      if (!entry) { tip.hidden = true; return; }
      tip.replaceChildren();
      entry.steps.forEach(function (step) {
        const row = document.createElement("div");
        row.append(describe(el, entry.task, step));
        tip.append(row);
      });
      const frame = el.getBoundingClientRect(), mouse = event.originalEvent || {};
      const x = (mouse.clientX || frame.left + 20) - frame.left, y = (mouse.clientY || frame.top + 20) - frame.top;
      tip.style.left = Math.max(4, Math.min(x + 12, frame.width - 260)) + "px";
      tip.style.top = Math.max(4, Math.min(y + 16, frame.height - 60)) + "px";
      tip.hidden = false;
    }
    const bus = viewer.get("eventBus");
    bus.on("element.hover", show);
    bus.on("element.click", show);
    bus.on("element.out", function () { tip.hidden = true; });
  }

  function caption(el, box, state, active) {
    const list = box && box.querySelector(".diagram-current");
    if (!list) return;
    list.replaceChildren();
    const ids = Object.keys(active);
    const head = document.createElement("li");
    head.className = "muted";
    head.textContent = state.closed ? word(el, "Closed") : ids.length ? word(el, "Current") : word(el, "Nothing");
    list.append(head);
    box.querySelectorAll(".diagram-legend [data-waiting]").forEach(function (item) { item.hidden = state.closed; });
    ids.forEach(function (id) {
      active[id].steps.forEach(function (step) {
        const item = document.createElement("li");
        item.dataset.elementId = id;
        item.append(describe(el, active[id].task, step));
        list.append(item);
      });
    });
  }

  function tools(box, viewer, active) {
    if (!box) return;
    const canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    const waiting = Object.keys(active).map(function (id) { return registry.get(id); }).filter(Boolean);
    box.querySelectorAll("[data-zoom]").forEach(function (button) {
      const how = button.dataset.zoom;
      if (how === "active") button.hidden = !waiting.length;
      button.addEventListener("click", function () {
        if (how === "fit") fit(canvas);
        else if (how === "in" || how === "out") {
          const view = canvas.viewbox();          // around the middle of what is shown
          canvas.zoom(canvas.zoom() * (how === "in" ? 1.25 : 0.8), { x: view.x + view.width / 2, y: view.y + view.height / 2 });
        }
        else if (how === "active" && waiting.length) show(canvas, waiting);
      });
    });
  }

  // The whole process, with a margin (bpmn-js fits edge to edge).
  function fit(canvas) {
    canvas.zoom("fit-viewport", "auto");
    canvas.zoom(canvas.zoom() * 0.96, "auto");
  }

  // Every task waiting now in the middle of the frame, at full size when they fit (else smaller).
  function show(canvas, elements) {
    const left = Math.min.apply(null, elements.map(function (e) { return e.x; }));
    const top = Math.min.apply(null, elements.map(function (e) { return e.y; }));
    const right = Math.max.apply(null, elements.map(function (e) { return e.x + e.width; }));
    const bottom = Math.max.apply(null, elements.map(function (e) { return e.y + e.height; }));
    const frame = canvas.getSize(), margin = 80;
    const scale = Math.min(1, frame.width / (right - left + 2 * margin), frame.height / (bottom - top + 2 * margin));
    const width = frame.width / scale, height = frame.height / scale;
    canvas.viewbox({ x: (left + right - width) / 2, y: (top + bottom - height) / 2, width: width, height: height });
  }

  function reason(el, technical) {
    if (/no diagram to display/.test(technical)) return word(el, "NoDi");
    if (/^HTTP \d+$/.test(technical)) return word(el, "Load") + "（" + technical + "）";
    return word(el, "Unreadable");
  }

  async function draw(el) {
    const box = el.closest(".diagram-box");
    const message = box && box.querySelector(".diagram-message");
    el.dataset.diagram = "loading";
    try {
      if (typeof window.BpmnJS !== "function") throw new Error("bpmn-js is missing (make vendor)");
      const viewer = new window.BpmnJS({ container: el });
      const xml = await (await fetchOk(el.dataset.xmlUrl)).text();
      const result = await viewer.importXML(xml);
      relabelLanes(viewer, JSON.parse(el.dataset.laneLabels || "{}"));
      fit(viewer.get("canvas"));
      const state = el.dataset.stateUrl ? await (await fetchOk(el.dataset.stateUrl)).json() : null;
      const active = state ? activeByElement(state) : {};
      if (state) { paintPath(el, viewer, state); paintActive(el, viewer, active); caption(el, box, state, active); }
      tooltip(el, viewer, active);
      tools(box, viewer, active);
      window.addEventListener("resize", function () { viewer.get("canvas").resized(); });
      el.dataset.warnings = String(result.warnings.length);
      if (message) message.hidden = true;
      el.dataset.diagram = "ready";
    } catch (err) {
      el.dataset.diagramError = err.message;
      el.dataset.diagram = "error";
      el.hidden = true;                                 // no empty frame: the reason instead
      box && box.querySelectorAll(".diagram-tools, .diagram-legend").forEach(function (e) { e.hidden = true; });
      if (message) {
        message.textContent = word(el, "Error") + reason(el, err.message);
        message.title = err.message;                    // bpmn-js's own words, for the designer
        message.classList.add("error");
        message.hidden = false;
      }
    }
  }

  document.querySelectorAll(".bpmn-diagram[data-xml-url]").forEach(draw);
})();
