// The process library's upload: a drop zone over the file input (the input still works alone).
(function () {
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("bpmn-file");
  const shown = document.getElementById("dropzone-file");
  if (!zone || !input) return;
  const show = () => { if (input.files.length) shown.textContent = input.files[0].name; };
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
    event.preventDefault();
    zone.classList.add("over");
  }));
  ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (!event.dataTransfer.files.length) return;
    const files = new DataTransfer();
    files.items.add(event.dataTransfer.files[0]);
    input.files = files.files;
    show();
  });
})();
