/* Build editor niceties: send what the page shows so only changed regions come back, keep focus
   where the person works, select and drag rack items, drop catalogue results on a free U, and
   measure how long a change takes to come back. Everything here is an enhancement: every action
   also works through the plain forms, links and buttons of the page. */
(function () {
  "use strict";

  var KEEP = 50; // durations kept on window.mdcTimings
  var DRAG_THRESHOLD = 4; // px of pointer travel before a press becomes a drag
  var NARROW = "(max-width: 52rem)"; // the picker starts folded on narrow screens
  var timings = (window.mdcTimings = window.mdcTimings || []);
  var started = new WeakMap();

  function editor() {
    return document.getElementById("editor");
  }

  function revision() {
    var summary = document.getElementById("editor-summary");
    return summary ? summary.dataset.revision : null;
  }

  // ------------------------------------------------------------------ what the page shows
  // Every region carries data-digest; the server answers only the regions that changed.
  function shownDigests() {
    var out = [];
    document.querySelectorAll("#editor [data-digest]").forEach(function (el) {
      if (el.id && el.parentElement && el.parentElement.id !== "line-rows") {
        out.push(el.id + ":" + el.dataset.digest);
      }
    });
    return out.join(",");
  }

  function rowDigests() {
    var out = [];
    document.querySelectorAll("#line-rows > tr[data-digest]").forEach(function (row) {
      out.push(row.id + ":" + row.dataset.digest);
    });
    return out.join(",");
  }

  function inEditor(path) {
    var root = editor();
    return root && path && path.indexOf(root.dataset.base) === 0;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (!inEditor(detail.path)) return;
    var verb = String(detail.verb).toLowerCase();
    if (verb === "post") {
      // The newest revision the page has seen, whatever form the request came from.
      var current = revision();
      if (current) detail.parameters.revision = current;
      detail.parameters.rows = rowDigests();
    }
    if (verb === "post" || /\/lines\/\d+\/$/.test(detail.path)) {
      detail.parameters.shown = shownDigests();
    }
  });

  // ------------------------------------------------------------------ re-validation timing
  // From the request of a change (any POST) to the swap of its message.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig;
    if (config && String(config.verb).toLowerCase() === "post") {
      started.set(event.detail.xhr, performance.now());
    }
  });

  // ------------------------------------------------------------------ focus after an action
  // A write's message says where focus goes: the message itself or the changed line's panel.
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    var start = xhr && started.get(xhr);
    if (start !== undefined) {
      started.delete(xhr);
      timings.push(Math.round((performance.now() - start) * 10) / 10);
      if (timings.length > KEEP) timings.splice(0, timings.length - KEEP);
    }
    var target = event.detail.target;
    if (target && target.id === "editor-message") {
      var note = target.querySelector("[data-focus]");
      if (note) {
        var where = note.dataset.focus;
        var el = where === "message" ? target : document.querySelector(where);
        if (el) el.focus({ preventScroll: where !== "message" });
      }
    } else if (target && target.id === "add-panel") {
      var title = document.getElementById("add-title");
      if (title) title.focus();
    }
    markSelectedRow();
  });

  // The line list marks the selected line; the panel says which one it is.
  function markSelectedRow() {
    var selected = document.querySelector("#line-panel input[name=selected]");
    var ref = selected ? selected.value : null;
    document.querySelectorAll("#line-rows > tr").forEach(function (row) {
      var on = ref !== null && row.id === "row-" + ref;
      row.classList.toggle("selected", on);
      if (on) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
  }

  // Keep what a person chose in a select that an out-of-band swap redraws (add options).
  var kept = {};
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var old = event.detail.target || event.target;
    if (!old || old.id !== "add-options") return;
    old.querySelectorAll("select[id]").forEach(function (select) {
      kept[select.id] = select.value;
    });
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    Object.keys(kept).forEach(function (id) {
      var select = document.getElementById(id);
      if (select && select.querySelector('option[value="' + CSS.escape(kept[id]) + '"]')) {
        select.value = kept[id];
      }
    });
    kept = {};
  });

  // ------------------------------------------------------------------ picker and add panel
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-close-add]");
    if (!close) return;
    var panel = document.getElementById("add-panel");
    if (!panel) return;
    panel.hidden = true;
    panel.innerHTML = "";
    var search = document.getElementById("picker-q");
    if (search) search.focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var picker = document.getElementById("picker");
    if (picker && window.matchMedia(NARROW).matches) picker.open = false;
    markSelectedRow();
  });

  // ------------------------------------------------------------------ helpers
  function elevations() {
    return document.getElementById("elevations");
  }

  function viewState() {
    var values = {};
    document.querySelectorAll(".view-state").forEach(function (input) {
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
      touch: event.pointerType === "touch",
    };
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag || event.pointerId !== drag.pointer || drag.touch) return; // touch scrolls
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
    var root = editor();
    if (!svg || !root || !window.htmx) return;
    event.preventDefault();
    var component = event.dataTransfer.getData("text/plain");
    if (!/^\d+$/.test(component)) return;
    // Where it was dropped; the server says why if that U is not free. Feeds: the rack's own.
    var values = viewState();
    values.component = component;
    values.quantity = "1";
    values.position = svg.dataset.rack + "@" + uAt(svg, event.clientY);
    values.face = svg.dataset.face;
    values.feed_a = "auto";
    values.feed_b = "auto";
    htmx.ajax("POST", root.dataset.base + "lines/add/", {
      target: "#editor-message",
      swap: "innerHTML",
      values: values,
    });
  });
})();
