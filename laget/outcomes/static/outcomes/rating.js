// Rating forms: show each line's number as it moves, and keep the answers on this device
// until they are sent, so a dropped connection loses nothing. The form's key travels with
// the answers, so sending again after a drop stores nothing twice.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "nb";
  function shown(value) {
    var text = Number(value).toFixed(1);
    return lang.indexOf("en") === 0 ? text : text.replace(".", ",");
  }
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    document.querySelectorAll("[data-clear-store]").forEach(function (el) {
      if (store) { store.removeItem(el.getAttribute("data-clear-store")); }
    });
    document.querySelectorAll("form[data-store-key]").forEach(function (form) {
      var key = form.getAttribute("data-store-key");
      var fields = form.querySelectorAll("[data-keep]");
      function sync(input) {
        if (input.type !== "range") { return; }
        var out = document.getElementById(input.id + "_value");
        if (out) { out.textContent = shown(input.value); }
        input.setAttribute("aria-valuetext", shown(input.value) + " av 10".replace("av", lang.indexOf("en") === 0 ? "of" : "av"));
      }
      var hasError = form.querySelector("[role=alert]");
      var saved = null;
      if (store && !hasError) {
        try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
      }
      fields.forEach(function (input) {
        if (saved && Object.prototype.hasOwnProperty.call(saved, input.name)) {
          if (input.type === "radio") { input.checked = saved[input.name] === input.value; }
          else { input.value = saved[input.name]; }
        }
        sync(input);
      });
      function save() {
        if (!store) { return; }
        var data = {};
        fields.forEach(function (input) {
          if (input.type === "radio") { if (input.checked) { data[input.name] = input.value; } }
          else { data[input.name] = input.value; }
        });
        try { store.setItem(key, JSON.stringify(data)); } catch (e) { /* full or private */ }
        var note = form.querySelector("[data-saved-note]");
        if (note) { note.hidden = false; }
      }
      form.addEventListener("input", function (event) { sync(event.target); save(); });
      form.addEventListener("change", save);
      form.addEventListener("submit", save);
    });
  });
})();
