// Copy buttons for links people paste elsewhere (calendar feeds, sign-up links).
// Progressive enhancement: without this script the link is still shown whole and can be
// selected by hand; the button stays hidden. A file, not inline, because the CSP allows
// only scripts from this site.
(function () {
  "use strict";

  function copyText(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http on an intranet: the Clipboard API is not offered there.
    field.focus();
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector(".copy-status");
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(field).then(
        function () { status.textContent = "Copied."; },
        function () {
          field.select();
          status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected link.";
        }
      );
    });
  });
})();
