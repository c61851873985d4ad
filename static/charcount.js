// Live count under each long text field (textarea[data-limit]). Progressive enhancement:
// without it the limit is still written under the field and the server refuses longer text.
(function () {
  "use strict";
  var format = new Intl.NumberFormat("en-GB");

  function count(text) {
    // Characters as the server counts them (code points, one per line break).
    return Array.from(text).length;
  }

  function watch(area) {
    var note = document.getElementById(area.id + "-count");
    var limit = Number(area.getAttribute("data-limit"));
    if (!note || !limit) {
      return;
    }
    function update() {
      var used = count(area.value);
      var text = format.format(used) + " of " + format.format(limit) + " characters";
      if (used > limit) {
        text += ": " + format.format(used - limit) + " too many";
      }
      note.textContent = text;
      note.classList.toggle("over", used > limit);
    }
    area.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-limit]").forEach(watch);
})();
