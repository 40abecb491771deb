import { readFileSync } from "node:fs";
import { once } from "node:events";
import { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Server } from "node:http";
import { decode, encode, encodingExists, getDecoder } from "../../../server/bundle/iconv-lite";

// body-parser and raw-body get the stand-in exactly as in the bundle (package.json aliases iconv-lite to it).
jest.mock("iconv-lite", () => jest.requireActual("../../../server/bundle/iconv-lite"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require("express") as typeof import("express");

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe("the bundle's iconv-lite stand-in", () => {
  it("is what the bundle build puts in place of iconv-lite", () => {
    const scripts = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(scripts.scripts.bundle).toContain("--alias:iconv-lite=./server/bundle/iconv-lite.ts");
  });

  it("knows node's own charsets under iconv-lite's spellings, and nothing else", () => {
    for (const name of ["utf-8", "UTF8", "utf-16le", "UCS-2", "latin1", "ISO-8859-1", "binary"])
      expect(encodingExists(name)).toBe(true);
    for (const name of ["windows-1252", "shift_jis", "utf-16", "koi8-r", "", "constructor", "__proto__"])
      expect(encodingExists(name)).toBe(false);
    expect(() => getDecoder("windows-1252")).toThrow(/^Encoding not recognized: 'windows-1252'/);
    expect(() => encode("x", "big5")).toThrow(/^Encoding not recognized: /);
  });

  it("decodes UTF-8 without its byte-order mark, and keeps a character split across chunks whole", () => {
    expect(decode(Buffer.concat([BOM, Buffer.from('{"a":"é"}')]), "utf-8")).toBe('{"a":"é"}');
    const bytes = Buffer.from("ü€😀", "utf8");
    const decoder = getDecoder("utf8");
    const parts = [...bytes].map((byte) => decoder.write(Buffer.from([byte])));
    expect(parts.join("") + (decoder.end() ?? "")).toBe("ü€😀");
    expect(parts.filter((part) => part !== "")).toHaveLength(3);
    // A mark in the middle of a text is a character, not a mark.
    expect(decode(Buffer.from("a\uFEFFb"), "utf8")).toBe("a\uFEFFb");
  });

  it("decodes latin1 byte for byte (a leading 0xEF 0xBB 0xBF stays three characters)", () => {
    expect(decode(Buffer.concat([BOM, Buffer.from([0x63, 0x61, 0x66, 0xe9])]), "iso-8859-1")).toBe("ï»¿café");
    expect(encode("café", "latin1")).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  describe("under body-parser and raw-body, on a real server", () => {
    let server: Server;
    let url: string;

    beforeAll(async () => {
      const app = express();
      app.post("/json", express.json(), (req, res) => res.json({ got: req.body as unknown }));
      app.post("/form", express.urlencoded({ extended: false }), (req, res) =>
        res.json({ got: req.body as unknown }),
      );
      app.post("/text", express.text(), (req, res) => res.json({ got: req.body as unknown }));
      app.use(((err, _req, res, _next) => {
        res.status(err.status ?? 500).json({ type: err.type });
      }) as import("express").ErrorRequestHandler);
      server = app.listen(0, "127.0.0.1");
      await once(server, "listening");
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    const post = async (path: string, contentType: string, body: Buffer) => {
      const response = await fetch(url + path, {
        method: "POST",
        headers: { "content-type": contentType },
        body,
      });
      return { status: response.status, body: (await response.json()) as unknown };
    };

    it("parses a UTF-8 JSON body that starts with a byte-order mark", async () => {
      const body = Buffer.concat([BOM, Buffer.from('{"text":"grüße"}')]);
      expect(await post("/json", "application/json; charset=utf-8", body)).toEqual({
        status: 200,
        body: { got: { text: "grüße" } },
      });
    });

    it("decodes an ISO-8859-1 form and a streamed UTF-16LE text", async () => {
      const form = Buffer.from("name=caf\xe9", "latin1");
      expect(await post("/form", "application/x-www-form-urlencoded; charset=iso-8859-1", form)).toEqual({
        status: 200,
        body: { got: { name: "café" } },
      });
      expect(await post("/text", "text/plain; charset=utf-16le", Buffer.from("ünï", "utf16le"))).toEqual({
        status: 200,
        body: { got: "ünï" },
      });
    });

    it("answers 415 charset.unsupported to a charset it does not carry", async () => {
      const latin = Buffer.from('{"a":"caf\xe9"}', "latin1");
      expect(await post("/json", "application/json; charset=windows-1252", latin)).toEqual({
        status: 415,
        body: { type: "charset.unsupported" },
      });
      expect(await post("/text", "text/plain; charset=shift_jis", latin)).toEqual({
        status: 415,
        body: { type: "charset.unsupported" },
      });
    });
  });
});
