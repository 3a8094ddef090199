// Progressive enhancement: filter a table's rows by the text typed into an input[data-filter].
document.querySelectorAll("input[data-filter]").forEach(function (input) {
  var table = document.querySelector(input.dataset.filter);
  if (!table) return;
  input.addEventListener("input", function () {
    var needle = input.value.trim().toLowerCase();
    table.querySelectorAll("tbody tr").forEach(function (row) {
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
    });
  });
});
