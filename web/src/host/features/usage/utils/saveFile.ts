/**
 * Hands a downloaded file to the browser's own "save" (an object URL on a link with `download`):
 * how a file fetched with the session's token reaches the user's disk.
 */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob after the click returns: the URL is let go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
