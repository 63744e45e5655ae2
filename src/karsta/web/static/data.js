// The upload form: a file dropped on the zone is put in the file input; too large a file is
// refused before it is sent. Without JavaScript the form and its file input work as they are.
(function () {
  "use strict";
  var form = document.querySelector("form.upload-form");
  if (!form) return;
  var zone = document.getElementById("drop-zone");
  var input = document.getElementById("upload-file");
  var error = document.getElementById("upload-error");
  var limit = parseInt(form.getAttribute("data-limit"), 10);

  function tooLarge() {
    var file = input.files && input.files[0];
    var large = Boolean(file && limit && file.size > limit);
    error.hidden = !large;
    error.textContent = large ? form.getAttribute("data-too-large") : "";
    return large;
  }

  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () {
      zone.classList.remove("dragging");
    });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      if (!tooLarge()) form.requestSubmit();
    }
  });
  input.addEventListener("change", tooLarge);
  form.addEventListener("submit", function (event) {
    if (tooLarge()) event.preventDefault();
  });
})();
