/* On a phone every table row is a card (site.css); each cell gets its column's heading so the
   card still says what each value is. */
document.querySelectorAll(".site-main table").forEach(function (table) {
  var heads = Array.prototype.map.call(
    table.querySelectorAll("thead tr:last-child th"),
    function (th) { return th.textContent.trim(); }
  );
  if (!heads.length) return;
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.prototype.forEach.call(row.children, function (cell, i) {
      if (cell.tagName === "TD" && heads[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[i]);
    });
  });
});
