// Papa Parse, parse only, on the chosen file: streamed in chunks (Papa's default 10 MB for
// local files), rows counted and dropped, nothing else done with them. The baseline the
// page's engine is compared with (web/bench/throughput.mjs).
document.addEventListener('DOMContentLoaded', () => {
  const input = document.getElementById('file');
  input.addEventListener('change', () => {
    const file = input.files[0];
    let rows = 0;
    const started = performance.now();
    Papa.parse(file, {
      chunk: (results) => {
        rows += results.data.length;
      },
      complete: () => {
        const out = document.getElementById('result');
        out.dataset.ms = String(performance.now() - started);
        out.dataset.rows = String(rows);
        out.textContent = `${rows} rows`;
      },
    });
  });
});
