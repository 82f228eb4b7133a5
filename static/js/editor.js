/* Build editor niceties: select and drag rack items, drop catalogue results on a free U, and
   measure how long a change takes to come back as a new validation panel. Everything here is an
   enhancement: every action also works through the plain forms and buttons of the page. */
(function () {
  "use strict";

  var KEEP = 50; // durations kept on window.mdcTimings
  var DRAG_THRESHOLD = 4; // px of pointer travel before a press becomes a drag
  var timings = (window.mdcTimings = window.mdcTimings || []);
  var started = new WeakMap();

  // ------------------------------------------------------------------ re-validation timing
  // From the request of a change (any POST) to the swap that brings the new validation panel.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    if (config && String(config.verb).toLowerCase() === "post") {
      started.set(event.detail.xhr, performance.now());
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var xhr = event.detail.xhr;
    var start = xhr && started.get(xhr);
    if (start === undefined || !document.getElementById("validation-panel")) return;
    started.delete(xhr);
    timings.push(Math.round((performance.now() - start) * 10) / 10);
    if (timings.length > KEEP) timings.splice(0, timings.length - KEEP);
  });

  // ------------------------------------------------------------------ helpers
  function elevations() {
    return document.getElementById("elevations");
  }

  function viewState() {
    var values = {};
    document.querySelectorAll("#picker-search [name], .view-state").forEach(function (input) {
      values[input.name] = input.value;
    });
    return values;
  }

  function lineId(ref) {
    var match = /^L(\d+)$/.exec(ref || "");
    return match ? match[1] : null;
  }

  function selectLine(item) {
    var root = elevations();
    var pk = lineId(item.getAttribute("data-item"));
    if (!root || !pk || !window.htmx) return;
    var values = viewState();
    delete values.selected;
    htmx.ajax("GET", root.dataset.lineUrl + pk + "/", {
      target: "#line-panel",
      swap: "outerHTML",
      values: values,
    });
  }

  function moveLine(item, rackRef, position, face) {
    var root = elevations();
    var pk = lineId(item.getAttribute("data-item"));
    if (!root || !pk || !window.htmx) return;
    var values = viewState();
    values.revision = root.dataset.revision;
    values.position = rackRef + "@" + position;
    values.face = face;
    values.selected = item.getAttribute("data-item");
    htmx.ajax("POST", root.dataset.lineUrl + pk + "/update/", {
      target: "#editor-message",
      swap: "innerHTML",
      values: values,
      source: item,
    });
  }

  // The U under a point of an elevation, from the geometry the SVG carries.
  function uAt(svg, clientY) {
    var point = svg.createSVGPoint();
    point.x = 0;
    point.y = clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var rackU = Number(svg.dataset.rackU);
    var top = Number(svg.dataset.top);
    var px = Number(svg.dataset.uPx);
    return rackU - Math.floor((local.y - top) / px);
  }

  function interactiveItem(target) {
    var item = target.closest && target.closest(".item[data-item][role=button]");
    return item && item.closest("svg.elevation") ? item : null;
  }

  // ------------------------------------------------------------------ select: click and keys
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" && event.key !== " ") return;
    var item = interactiveItem(event.target);
    if (!item) return;
    event.preventDefault();
    selectLine(item);
  });

  // ------------------------------------------------------------------ drag an item to another U
  var drag = null;

  document.addEventListener("pointerdown", function (event) {
    var item = interactiveItem(event.target);
    if (!item || event.button !== 0) return;
    var svg = item.closest("svg.elevation");
    drag = {
      item: item,
      svg: svg,
      x: event.clientX,
      y: event.clientY,
      moved: false,
      pointer: event.pointerId,
    };
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    var dy = event.clientY - drag.y;
    if (!drag.moved && Math.abs(dy) + Math.abs(event.clientX - drag.x) < DRAG_THRESHOLD) return;
    if (drag.item.classList.contains("zero-u")) return; // side strips have no U to move to
    drag.moved = true;
    var scale = drag.svg.getScreenCTM().d || 1;
    drag.item.setAttribute("transform", "translate(0 " + dy / scale + ")");
    drag.item.classList.add("dragging");
    event.preventDefault();
  });

  document.addEventListener("pointerup", function (event) {
    if (!drag || event.pointerId !== drag.pointer) return;
    var current = drag;
    drag = null;
    if (!current.moved) {
      selectLine(current.item);
      return;
    }
    current.item.classList.remove("dragging");
    var dy = event.clientY - current.y;
    var svg = current.svg;
    var scale = svg.getScreenCTM().d || 1;
    var px = Number(svg.dataset.uPx);
    var from = Number(current.item.getAttribute("data-u"));
    var to = from - Math.round(dy / scale / px);
    var top = Number(svg.dataset.rackU) - Number(current.item.getAttribute("data-height")) + 1;
    to = Math.max(1, Math.min(to, top));
    if (to === from) {
      current.item.removeAttribute("transform");
      return;
    }
    moveLine(current.item, svg.dataset.rack, to, svg.dataset.face);
  });

  document.addEventListener("pointercancel", function () {
    if (drag) drag.item.removeAttribute("transform");
    drag = null;
  });

  // ------------------------------------------------------------------ drop a catalogue result
  document.addEventListener("dragstart", function (event) {
    var result = event.target.closest && event.target.closest(".picker-item[draggable=true]");
    if (!result) return;
    event.dataTransfer.setData("text/plain", result.dataset.component);
    event.dataTransfer.effectAllowed = "copy";
  });

  document.addEventListener("dragover", function (event) {
    var svg = event.target.closest && event.target.closest("svg.elevation[role=group]");
    if (!svg) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
  });

  document.addEventListener("drop", function (event) {
    var svg = event.target.closest && event.target.closest("svg.elevation[role=group]");
    if (!svg) return;
    event.preventDefault();
    var component = event.dataTransfer.getData("text/plain");
    var result = document.querySelector('.picker-item[data-component="' + CSS.escape(component) + '"]');
    var form = result && result.querySelector("form.add-form");
    if (!form) return;
    var value = svg.dataset.rack + "@" + uAt(svg, event.clientY);
    var position = form.elements.position;
    if (position && !position.querySelector('option[value="' + CSS.escape(value) + '"]')) {
      // Not a listed free U: let the server say why rather than guessing another slot.
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      position.appendChild(option);
    }
    if (position) position.value = value;
    if (form.elements.face) form.elements.face.value = svg.dataset.face;
    form.requestSubmit();
  });
})();
