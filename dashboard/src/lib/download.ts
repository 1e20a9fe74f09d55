// Hands bytes made or fetched by the page to the browser as a file download (its own save
// dialog or downloads folder), under the given name.

export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download asynchronously: the URL must outlive it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
