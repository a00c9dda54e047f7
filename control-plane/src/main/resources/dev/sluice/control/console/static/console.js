// Sluice console: the throughput chart (uPlot), refreshed every few seconds, and confirmations of destructive actions.
(function () {
  'use strict';

  function chart(element) {
    var url = element.getAttribute('data-throughput');
    var plot = null;

    function draw(data) {
      var series = [data.minutes, data.stored, data.delivered, data.acked];
      var total = function (values) { return values.reduce(function (sum, value) { return sum + value; }, 0); };
      element.setAttribute('data-total-stored', total(data.stored));
      element.setAttribute('data-total-delivered', total(data.delivered));
      element.setAttribute('data-total-acked', total(data.acked));
      if (plot) {
        plot.setData(series);
        return;
      }
      plot = new uPlot({
        width: Math.max(320, element.clientWidth),
        height: 220,
        scales: { x: { time: true } },
        series: [
          {},
          { label: 'stored / min', stroke: '#2f6fdf', width: 2 },
          { label: 'delivered / min', stroke: '#d08a00', width: 2 },
          { label: 'acked / min', stroke: '#1f9d55', width: 2 }
        ],
        axes: [{}, { size: 60 }]
      }, series, element);
    }

    function refresh() {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { draw(data); } })
        .catch(function () { /* the next refresh tries again */ });
    }

    refresh();
    setInterval(refresh, 3000);
  }

  // destructive actions ask first, naming what is lost (the form's data-confirm); the live part of a page is
  // replaced every few seconds, so the listener sits on the document rather than on each form
  document.addEventListener('submit', function (event) {
    var message = event.target.getAttribute && event.target.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('[data-throughput]').forEach(chart);
  });
})();
