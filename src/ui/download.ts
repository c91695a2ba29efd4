/** Saves a Blob as a file through an <a download> (exports, snapshots, videos). */
export function download(blob: Blob, name: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download asynchronously: keep the object URL alive a while.
  setTimeout(() => URL.revokeObjectURL(a.href), 30_000);
}
