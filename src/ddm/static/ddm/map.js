// Interactive maps (#12): progressive enhancement of the server-rendered SVG maps with Leaflet (vendored
// under static/vendor/leaflet). A <section data-map> names its data sources in data-* attributes; this
// script replaces the section's <svg class="map"> with a Leaflet map of the same boundaries (no tiles: the
// vector boundaries on a plain background), a choropleth of any indicator with a legend, project and facility
// points with pop-ups, and layer toggles. Without JavaScript the SVG stays. No inline script or style:
// Leaflet styles elements through the DOM (CSSOM), which the Content-Security-Policy allows; pop-ups are
// built from DOM nodes (textContent), never from HTML strings, so no figure or name is parsed as markup.
(function () {
  "use strict";

  var PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var NO_DATA = "#d9d9d9";
  var POINT_STYLES = {
    projects: {radius: 7, color: "#3b1f00", weight: 1.5, fillColor: "#f28e2b", fillOpacity: 0.95},
    health: {radius: 5, color: "#4a0033", weight: 1, fillColor: "#c51b7d", fillOpacity: 0.9},
    schools: {radius: 3.5, color: "#1b3d0a", weight: 0.8, fillColor: "#7fbc41", fillOpacity: 0.85}
  };
  var HEALTH_KINDS = ["hospital", "community_health_centre", "community_day_centre", "ems_station", "long_term_care"];

  function getJSON(url) {
    return fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(url + " answered " + response.status);
      return response.json();
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function popup(title, href, lines) {
    var box = el("div", null, "map-popup");
    var heading = el("p", null, "map-popup-title");
    heading.appendChild(href ? link(href, title) : el("span", title));
    box.appendChild(heading);
    lines.forEach(function (line) {
      if (line) box.appendChild(typeof line === "string" ? el("p", line) : line);
    });
    return box;
  }

  function swatch(colour) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("width", "14");
    rect.setAttribute("height", "14");
    rect.setAttribute("fill", colour);
    rect.setAttribute("stroke", "#555");
    svg.appendChild(rect);
    return svg;
  }

  // --- choropleth ---------------------------------------------------------------------------------

  function fillIndicatorSelect(select, indicators, wanted) {
    var groups = {};
    indicators.forEach(function (indicator) {
      if (!groups[indicator.category]) {
        groups[indicator.category] = el("optgroup");
        groups[indicator.category].label = indicator.category;
        select.appendChild(groups[indicator.category]);
      }
      var option = el("option", indicator.label);
      option.value = indicator.code;
      groups[indicator.category].appendChild(option);
    });
    var codes = indicators.map(function (i) { return i.code; });
    select.value = codes.indexOf(wanted) >= 0 ? wanted : codes[0];
  }

  function classColour(index, count) {
    // Fewer classes than colours (a zone of three municipalities, a metro): spread them over the palette.
    if (count <= 1) return PALETTE[2];
    return PALETTE[Math.round(index * (PALETTE.length - 1) / (count - 1))];
  }

  function renderLegend(legend, data) {
    legend.textContent = "";
    legend.appendChild(el("p", data.name + " (" + data.unit_label + "), " + data.year, "map-legend-title"));
    var list = el("ul");
    data.classes.forEach(function (item) {
      var entry = el("li");
      entry.appendChild(swatch(classColour(item.index, data.classes.length)));
      entry.appendChild(el("span", item.label + (data.unit_label === "%" ? "" : " " + data.unit_label)));
      list.appendChild(entry);
    });
    if (data.places.some(function (p) { return p.value === null; })) {
      var missing = el("li");
      missing.appendChild(swatch(NO_DATA));
      missing.appendChild(el("span", "no data"));
      list.appendChild(missing);
    }
    legend.appendChild(list);
    legend.appendChild(el("p", "Source: " + data.source + " (" + data.year + "). Classes: quantiles of the mapped figures.",
      "source"));
  }

  function placePopup(feature, figure, data, placeUrl) {
    var properties = feature.properties;
    var lines = [];
    if (figure && data) {
      var value = el("p");
      value.appendChild(el("strong", figure.display + (data.unit_label === "%" ? "" : " " + data.unit_label)));
      value.appendChild(document.createTextNode(" " + data.name));
      lines.push(value);
      lines.push(el("p", data.source + ", " + data.year, "source"));
    }
    return popup(properties.code + " " + properties.name, placeUrl(properties.code), lines);
  }

  function colourPlaces(state, data) {
    var figures = {};
    data.places.forEach(function (place) { figures[place.code] = place; });
    state.places.eachLayer(function (layer) {
      var figure = figures[layer.feature.properties.code];
      var path = layer.getElement();
      if (path) path.setAttribute("data-code", layer.feature.properties.code);  // as on the SVG map
      var index = figure ? figure.class_index : null;
      var colour = index === null || index === undefined ? NO_DATA : classColour(index, data.classes.length);
      layer.setStyle({fillColor: colour, fillOpacity: 0.8});
      layer.bindPopup(placePopup(layer.feature, figure, data, state.placeUrl));
    });
  }

  function showIndicator(state, code) {
    state.root.setAttribute("data-map-state", "loading");
    return getJSON(state.choroplethUrl + encodeURIComponent(code)).then(function (data) {
      colourPlaces(state, data);
      renderLegend(state.legend, data);
      state.root.setAttribute("data-map-indicator", code);
      state.root.setAttribute("data-map-state", "ready");
    });
  }

  // --- points -------------------------------------------------------------------------------------

  function projectPopup(properties) {
    var budget = el("p");
    var amount = el("strong", properties.budget_display);
    if (properties.budget_exact) amount.title = properties.budget_exact;
    budget.appendChild(amount);
    budget.appendChild(document.createTextNode(
      properties.budget_years ? " budget, " + properties.budget_years + " (as stated, whole project)" : ""));
    return popup(properties.title, properties.url, [
      properties.organisation, budget,
      [properties.sector, properties.status].filter(Boolean).join(" · "),
      properties.place ? "Place: " + properties.place : null,
      el("p", "Source: DDM Hub investment register, reference " + properties.reference, "source")
    ]);
  }

  function facilityPopup(properties) {
    var figures = properties.learners !== null && properties.educators !== null
      ? properties.learners.toLocaleString("en-ZA") + " learners, " + properties.educators.toLocaleString("en-ZA") + " educators"
      : null;
    return popup(properties.name, null, [
      properties.kind_label + (properties.category ? " (" + properties.category + ")" : ""),
      properties.place_name || null, figures,
      el("p", "Source: " + properties.source + ", " + properties.vintage, "source")
    ]);
  }

  function pointLayer(data, style, pane, makePopup) {
    return L.geoJSON(data, {
      pane: pane,
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, Object.assign({pane: pane}, style));
      },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return makePopup(feature.properties); });
      }
    });
  }

  // --- layers and toggles -------------------------------------------------------------------------

  function lazyLayer(state, name, load) {
    // A layer fetched the first time it is switched on (schools: a thousand points or more).
    var entry = {layer: null, loading: null};
    state.layers[name] = entry;
    entry.show = function () {
      if (!entry.loading) {
        entry.loading = load().then(function (layer) { entry.layer = layer; return layer; });
      }
      return entry.loading.then(function (layer) { layer.addTo(state.map); });
    };
    entry.hide = function () { if (entry.layer) state.map.removeLayer(entry.layer); };
    return entry;
  }

  function wireToggles(state) {
    state.root.querySelectorAll("input[data-layer]").forEach(function (box) {
      var entry = state.layers[box.getAttribute("data-layer")];
      if (!entry) { box.closest("label").hidden = true; return; }
      var apply = function () {
        return (box.checked ? entry.show() : Promise.resolve(entry.hide())).catch(function (error) {
          reportError(state, error);
        });
      };
      box.addEventListener("change", apply);
      if (box.checked) apply();
    });
  }

  function reportError(state, error) {
    state.error.textContent = "Part of the map could not be loaded (" + error.message + "); the tables and " +
      "GeoJSON downloads on this page hold the same data.";
    state.error.hidden = false;
    state.root.setAttribute("data-map-state", "error");
  }

  function keySwatches(root) {
    // A dot in each point layer's toggle, in the colour the map draws it.
    root.querySelectorAll("input[data-layer]").forEach(function (box) {
      var style = POINT_STYLES[box.getAttribute("data-layer")];
      if (!style) return;
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("width", "12");
      svg.setAttribute("height", "12");
      svg.setAttribute("aria-hidden", "true");
      var dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      [["cx", "6"], ["cy", "6"], ["r", "5"], ["fill", style.fillColor], ["stroke", style.color]].forEach(function (a) {
        dot.setAttribute(a[0], a[1]);
      });
      svg.appendChild(dot);
      box.after(svg);
    });
  }

  function addPanes(map) {
    [["wards", 420], ["health", 450], ["schools", 440], ["projects", 460]].forEach(function (pane) {
      map.createPane(pane[0]).style.zIndex = String(pane[1]);
    });
  }

  function buildMap(root, svg) {
    var container = el("div", null, "leaflet-map");
    container.id = root.id + "-leaflet";
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", svg.getAttribute("aria-label") + " (interactive: drag to pan, +/- to zoom)");
    svg.replaceWith(container);
    var map = L.map(container, {zoomSnap: 0.25, attributionControl: true});
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution("Boundaries: Municipal Demarcation Board 2020");
    addPanes(map);
    return map;
  }

  function placesLayer(data) {
    return L.geoJSON(data, {style: {color: "#ffffff", weight: 1.2, fillColor: NO_DATA, fillOpacity: 0.8}});
  }

  function start(root) {
    var svg = root.querySelector("svg.map");
    if (!svg || !window.L || !window.fetch) return;
    var d = root.dataset;
    var state = {
      root: root, layers: {}, choroplethUrl: d.choropleth, placeUrl: function (code) { return d.placeUrl.replace("CODE", code); },
      legend: root.querySelector(".map-legend"), error: root.querySelector(".map-error"),
      select: root.querySelector("select.map-indicator")
    };
    state.map = buildMap(root, svg);
    root.querySelectorAll("[data-map-control]").forEach(function (node) { node.hidden = false; });
    root.querySelectorAll("[data-map-fallback]").forEach(function (node) { node.hidden = true; });
    root.setAttribute("data-map-state", "loading");
    keySwatches(root);
    var boundaries = getJSON(d.places).then(function (data) {
      state.places = placesLayer(data).addTo(state.map);
      state.map.fitBounds(state.places.getBounds());
      state.layers.places = {
        show: function () { state.places.addTo(state.map); return Promise.resolve(); },
        hide: function () { state.map.removeLayer(state.places); }
      };
    });
    var indicators = getJSON(d.indicators);
    Promise.all([boundaries, indicators]).then(function (results) {
      fillIndicatorSelect(state.select, results[1], d.defaultIndicator);
      state.select.addEventListener("change", function () {
        showIndicator(state, state.select.value).catch(function (error) { reportError(state, error); });
      });
      return showIndicator(state, state.select.value);
    }).then(function () {
      addOptionalLayers(state, d);
      wireToggles(state);
    }).catch(function (error) { reportError(state, error); });
  }

  function addOptionalLayers(state, d) {
    if (d.wards) {
      lazyLayer(state, "wards", function () {
        return getJSON(d.wards).then(function (data) {
          return L.geoJSON(data, {pane: "wards", interactive: false, style: {color: "#333333", weight: 0.6, fill: false, dashArray: "2 2"}});
        });
      });
    }
    if (d.projects) {
      lazyLayer(state, "projects", function () {
        return getJSON(d.projects).then(function (data) { return pointLayer(data, POINT_STYLES.projects, "projects", projectPopup); });
      });
    }
    if (d.facilities) {
      lazyLayer(state, "health", function () {
        var query = HEALTH_KINDS.map(function (k) { return "kind=" + k; }).join("&");
        return getJSON(d.facilities + "?" + query).then(function (data) {
          return pointLayer(data, POINT_STYLES.health, "health", facilityPopup);
        });
      });
      lazyLayer(state, "schools", function () {
        return getJSON(d.facilities + "?kind=school").then(function (data) {
          return pointLayer(data, POINT_STYLES.schools, "schools", facilityPopup);
        });
      });
    }
  }

  document.querySelectorAll("section[data-map]").forEach(start);
})();
