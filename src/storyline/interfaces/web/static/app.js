// Progressive enhancement only: every page works without JavaScript.
// "/" focuses the search box (unless typing in a field already).
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                          target.isContentEditable);
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    var box = document.getElementById("f-q") || document.getElementById("top-q");
    if (box) { event.preventDefault(); box.focus(); box.select(); }
  }
});
