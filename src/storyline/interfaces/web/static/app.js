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

// A citation link ("/articles/ID#c-START-END", character offsets into the article text)
// marks the cited words in the article and scrolls to them. The marked-up text has the
// article's characters in order, so offsets are counted over its text nodes.
function markCitation() {
  var m = /^#c-(\d+)(?:-(\d+))?$/.exec(window.location.hash);
  var body = document.querySelector("article.text");
  if (!m || !body) { return; }
  var start = parseInt(m[1], 10);
  var end = m[2] ? parseInt(m[2], 10) : start + 1;
  var old = body.querySelectorAll("mark.cited");
  for (var k = 0; k < old.length; k++) {
    var parent = old[k].parentNode;
    while (old[k].firstChild) { parent.insertBefore(old[k].firstChild, old[k]); }
    parent.removeChild(old[k]);
    parent.normalize();
  }
  var walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  var pos = 0, pieces = [], node;
  while ((node = walker.nextNode())) {
    var len = node.nodeValue.length;
    if (pos + len > start && pos < end) {
      pieces.push([node, Math.max(0, start - pos), Math.min(len, end - pos)]);
    }
    pos += len;
    if (pos >= end) { break; }
  }
  var first = null;
  for (var i = 0; i < pieces.length; i++) {
    var range = document.createRange();
    range.setStart(pieces[i][0], pieces[i][1]);
    range.setEnd(pieces[i][0], pieces[i][2]);
    var mark = document.createElement("mark");
    mark.className = "cited";
    range.surroundContents(mark);
    if (!first) { first = mark; }
  }
  if (first) {
    first.setAttribute("tabindex", "-1");
    first.id = "cited";
    first.scrollIntoView({block: "center"});
    first.focus({preventScroll: true});
  }
}
document.addEventListener("DOMContentLoaded", markCitation);
window.addEventListener("hashchange", markCitation);

// A timeline chart wider than its box opens on the story's key days (data-focus: the
// start and end of that range, as fractions of the chart's width), not on its oldest.
function focusCharts() {
  var boxes = document.querySelectorAll(".chart-scroll[data-focus]");
  for (var i = 0; i < boxes.length; i++) {
    var box = boxes[i];
    var range = box.getAttribute("data-focus").split(" ").map(parseFloat);
    var width = box.scrollWidth, room = box.clientWidth;
    if (width <= room || range.length !== 2 || isNaN(range[0]) || isNaN(range[1])) { continue; }
    var start = range[0] * width, end = range[1] * width;
    var left = end - start + 48 <= room ? end - room + 24 : start - 24;
    box.scrollLeft = Math.max(0, Math.min(left, width - room));
  }
}
document.addEventListener("DOMContentLoaded", focusCharts);
