import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, secureFilename, UploadFile, z } from "vial";
import { TestClient } from "vial/testing";
import { describe, expect, test } from "vitest";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "vial-uploads-test-"));
}

describe("uploads", () => {
  test("a file arrives as an UploadFile next to the form's fields", async () => {
    const app = new App();
    app.post(
      "/upload",
      { form: { title: z.string() }, files: { doc: z.file() } },
      async ({ form, files }) => ({
        title: form.title,
        isUpload: files.doc instanceof UploadFile && files.doc instanceof File,
        filename: files.doc.filename,
        type: files.doc.type,
        size: files.doc.size,
        text: await files.doc.text(),
        bytes: new Uint8Array(await files.doc.arrayBuffer()).length,
      }),
    );
    const res = await new TestClient(app).post("/upload", {
      form: { title: "Notes" },
      files: { doc: { filename: "notes.txt", content: "hello world", type: "text/plain" } },
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      title: "Notes",
      isUpload: true,
      filename: "notes.txt",
      type: "text/plain",
      size: 11,
      text: "hello world",
      bytes: 11,
    });
  });

  test("several files per field, stream() and saveTo()", async () => {
    const target = tempDir();
    const app = new App();
    app.post("/many", { files: { photos: z.array(z.file()) } }, async ({ files }) => {
      const names: string[] = [];
      for (const photo of files.photos) {
        await photo.saveTo(join(target, secureFilename(photo.filename)));
        let streamed = 0;
        for await (const chunk of photo.stream()) streamed += chunk.length;
        names.push(`${photo.filename}:${streamed}`);
      }
      return names;
    });
    const res = await new TestClient(app).post("/many", {
      files: {
        photos: [
          { filename: "a.png", content: new Uint8Array([1, 2, 3]), type: "image/png" },
          { filename: "../b.png", content: "four", type: "image/png" },
        ],
      },
    });
    // The client's path is never part of the file name.
    expect(res.json()).toEqual(["a.png:3", "b.png:4"]);
    expect(readdirSync(target).sort()).toEqual(["a.png", "b.png"]);
    expect(readFileSync(join(target, "b.png"), "utf8")).toBe("four");
  });

  test("a file above the memory threshold is spooled to disk and removed after the response", async () => {
    const tempDirPath = tempDir();
    const app = new App({ uploads: { memoryThreshold: 1024, tempDir: tempDirPath } });
    let spooled: string | undefined;
    app.post("/big", { files: { blob: z.file() } }, async ({ files, background }) => {
      spooled = files.blob.tempPath;
      const during = spooled !== undefined && existsSync(spooled);
      const text = await files.blob.text();
      // Background tasks still see the file; it goes once they are done.
      background.add(async () => {
        expect(await files.blob.slice(0, 3).text()).toBe("xxx");
      });
      return { during, length: text.length };
    });
    const big = "x".repeat(100_000);
    const res = await new TestClient(app).post("/big", {
      files: { blob: { filename: "big.txt", content: big } },
    });
    expect(res.json()).toEqual({ during: true, length: 100_000 });
    expect(spooled).toMatch(/vial-upload-/);
    expect(existsSync(spooled!)).toBe(false);
    expect(readdirSync(tempDirPath)).toEqual([]);
  });

  test("a small file stays in memory", async () => {
    const app = new App();
    app.post("/small", { files: { f: z.file() } }, ({ files }) => ({
      onDisk: files.f.tempPath !== undefined,
    }));
    const res = await new TestClient(app).post("/small", {
      files: { f: { filename: "s", content: "tiny" } },
    });
    expect(res.json()).toEqual({ onDisk: false });
  });

  test("a file over the size limit is 413 naming the limit, and its temp file is removed", async () => {
    const tempDirPath = tempDir();
    const app = new App({
      uploads: { fileSize: 5000, memoryThreshold: 100, tempDir: tempDirPath },
    });
    let called = false;
    app.post("/up", { files: { f: z.file() } }, () => {
      called = true;
    });
    const res = await new TestClient(app).post("/up", {
      files: { f: { filename: "huge.bin", content: "y".repeat(20_000) } },
    });
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({
      detail:
        "File 'huge.bin' (field 'f') is larger than the upload limit of 5000 bytes (uploads.fileSize)",
    });
    expect(called).toBe(false);
    expect(readdirSync(tempDirPath)).toEqual([]);
  });

  test("more files than allowed is 413 naming uploads.files, temp files removed", async () => {
    const tempDirPath = tempDir();
    const app = new App({ uploads: { files: 2, memoryThreshold: 10, tempDir: tempDirPath } });
    app.post("/up", { files: { f: z.array(z.file()) } }, ({ files }) => files.f.length);
    const file = { filename: "a", content: "z".repeat(100) };
    const ok = await new TestClient(app).post("/up", { files: { f: [file, file] } });
    expect(ok.json()).toBe(2);
    const res = await new TestClient(app).post("/up", { files: { f: [file, file, file] } });
    expect(res.status).toBe(413);
    expect(res.json().detail).toBe(
      "Request has more files than the upload limit of 2 (uploads.files)",
    );
    expect(readdirSync(tempDirPath)).toEqual([]);
  });

  test("too many parts, a field too large, a body too large: each 413 names its limit", async () => {
    const app = new App({ uploads: { parts: 3, fieldSize: 10, totalSize: 2000 } });
    app.post(
      "/up",
      { form: { a: z.string().optional() }, files: { f: z.file().optional() } },
      () => "ok",
    );
    const client = new TestClient(app);
    const parts = await client.post("/up", { form: { a: "1", b: "2", c: "3", d: "4" }, files: {} });
    expect(parts.status).toBe(413);
    expect(parts.json().detail).toBe("Request body exceeds the limit of 3 parts");
    const field = await client.post("/up", { form: { a: "x".repeat(11) }, files: {} });
    expect(field.status).toBe(413);
    expect(field.json().detail).toBe(
      "Request body exceeds the field size limit of 10 bytes (field 'a')",
    );
    const total = await client.post("/up", {
      files: { f: { filename: "a", content: "q".repeat(5000) } },
    });
    expect(total.status).toBe(413);
    expect(total.json().detail).toBe(
      "Request body exceeds the upload limit (uploads.totalSize) of 2000 bytes",
    );
  });

  test("a missing file is a 422 at body.<field>; an empty file input counts as no file", async () => {
    const app = new App();
    app.post("/required", { files: { f: z.file() } }, () => "ok");
    app.post("/optional", { files: { f: z.file().optional() } }, ({ files }) => ({
      given: files.f !== undefined,
    }));
    const client = new TestClient(app);
    const res = await client.post("/required", { form: { other: "1" }, files: {} });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      { type: "missing", loc: ["body", "f"], msg: "Field required", input: null },
    ]);
    const empty = await client.post("/optional", { files: { f: { filename: "", content: "" } } });
    expect(empty.json()).toEqual({ given: false });
  });

  test("z.file() checks type and size, as 422 errors", async () => {
    const app = new App();
    app.post("/avatar", { files: { f: z.file().mime(["image/png"]).max(10) } }, () => "ok");
    const client = new TestClient(app);
    const wrongType = await client.post("/avatar", {
      files: { f: { filename: "a.txt", content: "x", type: "text/plain" } },
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.json().detail[0]).toMatchObject({ loc: ["body", "f"], input: "text/plain" });
    const tooBig = await client.post("/avatar", {
      files: { f: { filename: "a.png", content: "x".repeat(11), type: "image/png" } },
    });
    expect(tooBig.status).toBe(422);
    expect(tooBig.json().detail[0]).toMatchObject({ loc: ["body", "f"] });
  });

  test("temp files are removed when the handler fails", async () => {
    const tempDirPath = tempDir();
    const app = new App({ uploads: { memoryThreshold: 10, tempDir: tempDirPath } });
    app.post("/fail", { files: { f: z.file() } }, () => {
      throw new Error("handler failed");
    });
    const res = await new TestClient(app).post("/fail", {
      files: { f: { filename: "a", content: "w".repeat(1000) } },
    });
    expect(res.status).toBe(500);
    expect(readdirSync(tempDirPath)).toEqual([]);
  });

  test("routes without `files` skip file parts (no temp files), within the body limit", async () => {
    const tempDirPath = tempDir();
    const app = new App({ uploads: { memoryThreshold: 10, tempDir: tempDirPath } });
    app.post("/form", { form: { a: z.string() } }, ({ form }) => form);
    const res = await new TestClient(app).post("/form", {
      form: { a: "1" },
      files: { f: { filename: "a", content: "w".repeat(1000) } },
    });
    expect(res.json()).toEqual({ a: "1" });
    expect(readdirSync(tempDirPath)).toEqual([]);
  });

  test("a client that disconnects mid-upload leaves no temp file behind", async () => {
    const tempDirPath = tempDir();
    const app = new App({ uploads: { memoryThreshold: 100, tempDir: tempDirPath } });
    let called = false;
    app.post("/up", { files: { f: z.file() } }, () => {
      called = true;
    });
    const server = await app.listen(0, "127.0.0.1");
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      const head =
        '--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n' +
        "Content-Type: application/octet-stream\r\n\r\n";
      socket.write(
        "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
          "Content-Length: 100000\r\n\r\n",
      );
      socket.write(head + "z".repeat(5000));
      // Wait until the upload has been spooled to disk, then hang up.
      for (let i = 0; i < 100 && readdirSync(tempDirPath).length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(readdirSync(tempDirPath)).toHaveLength(1);
      socket.destroy();
      for (let i = 0; i < 100 && readdirSync(tempDirPath).length > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(readdirSync(tempDirPath)).toEqual([]);
      expect(called).toBe(false);
    } finally {
      await app.close();
    }
  });

  test("works over a real socket too", async () => {
    const app = new App({ uploads: { memoryThreshold: 1000 } });
    app.post("/up", { files: { f: z.file() } }, async ({ files }) => (await files.f.text()).length);
    const client = new TestClient(app, { transport: "http" });
    try {
      const res = await client.post("/up", {
        files: { f: { filename: "a", content: "k".repeat(50_000) } },
      });
      expect(res.json()).toBe(50_000);
    } finally {
      await client.close();
    }
  });
});

test("secureFilename keeps a safe name", () => {
  expect(secureFilename("../../etc/passwd")).toBe("etc_passwd");
  expect(secureFilename("My cat.jpg")).toBe("My_cat.jpg");
  expect(secureFilename("café.png")).toBe("cafe.png");
  expect(secureFilename("..")).toBe("");
});
