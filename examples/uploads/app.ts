/**
 * Uploads guide example: an image gallery. Files arrive as multipart form data, are checked,
 * stored, listed, and served back with ranges and caching.
 *
 * - `POST /photos`          one required `photo`, optional `thumbnail`, and a `title` field
 * - `POST /photos/batch`    several `photos` at once
 * - `GET  /photos`          what is stored
 * - `GET  /photos/{id}`     the file (FileResponse: ETag, Range, HEAD), `?download=1` as an attachment
 * - `GET  /media/...`       the storage directory as static files
 *
 * Run: `npx loopwise serve examples/uploads/app.ts`;
 * try `curl -F title=Cat -F photo=@cat.jpg http://127.0.0.1:8000/photos`.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { App, FileResponse, HTTPException, staticFiles, uploadFile, uploadFiles, type UploadFile } from "loopwise";

const storage = process.env["UPLOAD_DIR"] ?? mkdtempSync(path.join(tmpdir(), "loopwise-gallery-"));
mkdirSync(storage, { recursive: true });

export const app = new App({ title: "Uploads example", logger: { level: process.env["LOG_LEVEL"] ?? "info" } });

interface Photo {
  id: string;
  title: string;
  filename: string;
  contentType: string;
  size: number;
}
const photos = new Map<string, Photo>();
const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);
const limits = { maxFileSize: 10 * 1024 * 1024, maxFiles: 20, maxTotalSize: 50 * 1024 * 1024 };

async function store(file: UploadFile, title: string): Promise<Photo> {
  // The part's Content-Type is what the client claims; a real app would also sniff the bytes.
  if (!IMAGE_TYPES.has(file.contentType)) throw new HTTPException(415, `${file.filename}: only JPEG, PNG, GIF and WebP images`);
  const id = randomUUID();
  await file.saveTo(path.join(storage, id));
  const photo = { id, title, filename: file.filename, contentType: file.contentType, size: file.size };
  photos.set(id, photo);
  return photo;
}

app.post(
  "/photos",
  { status: 201, form: { title: z.string().min(1).max(100) }, files: { photo: uploadFile(), thumbnail: uploadFile({ optional: true }) }, uploadLimits: limits },
  async ({ form, files }) => {
    const photo = await store(files.photo, form.title);
    const thumbnail = files.thumbnail ? await store(files.thumbnail, `${form.title} (thumbnail)`) : undefined;
    return { photo, thumbnail: thumbnail?.id ?? null };
  },
);

app.post("/photos/batch", { status: 201, files: { photos: uploadFiles() }, uploadLimits: limits }, async ({ files }) => ({
  stored: await Promise.all(files.photos.map((file) => store(file, file.filename))),
}));

app.get("/photos", () => [...photos.values()]);

app.get("/photos/{id}", { path: { id: z.uuid() }, query: { download: z.boolean().default(false) } }, ({ path: { id }, query }) => {
  const photo = photos.get(id);
  if (!photo) throw new HTTPException(404, "Photo not found");
  return new FileResponse(path.join(storage, id), {
    mediaType: photo.contentType,
    ...(query.download ? { filename: photo.filename } : { contentDispositionType: "inline" as const }),
    headers: { "cache-control": "private, max-age=3600" },
  });
});

app.mount("/media", staticFiles({ directory: storage }));

if (import.meta.main) {
  await app.listen({ port: Number(process.env["PORT"] ?? 8000), host: process.env["HOST"] ?? "127.0.0.1" });
}
