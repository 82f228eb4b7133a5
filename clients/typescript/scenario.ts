// The integrator scenario of clients/python/scenario.py, typed by openapi-typescript from the
// live /api/schema/ and called through openapi-fetch. CI type-checks it (tsc --noEmit, strict):
// a path, parameter, body or answer the document gets wrong is a compile error here.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema";

type Schemas = components["schemas"];
type Client = ReturnType<typeof createClient<paths>>;

function fail(message: string): never {
  throw new Error(message);
}

function client(baseUrl: string, token: string): Client {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Token ${token}` } });
}

async function firstComponent(
  api: Client,
  kind: "rack" | "ups" | "server",
  search: string,
): Promise<number> {
  const { data } = await api.GET("/api/v1/components/", {
    params: { query: { kind: [kind], search, limit: 5 } },
  });
  const component: Schemas["Component"] | undefined = data?.results[0];
  return component?.id ?? fail(`no ${kind} matches ${search}`);
}

export async function scenario(
  baseUrl: string,
  integratorToken: string,
  sellerToken: string,
  example: Schemas["InlineBuildSpecRequest"],
): Promise<void> {
  const integrator = client(baseUrl, integratorToken);
  const seller = client(baseUrl, sellerToken);

  const me = (await integrator.GET("/api/v1/me/")).data ?? fail("me");
  const organisation: string = me.organisations[0] ?? fail("no organisation");

  // Catalogue search.
  const page = (await integrator.GET("/api/v1/components/", {
    params: { query: { search: "UPS", limit: 10 } },
  })).data ?? fail("search");
  const count: number = page.count;
  const spec: Schemas["Component"]["spec"] | undefined = page.results[0]?.spec;
  if (spec?.kind === "ups") {
    const kva: number = spec.kva; // the discriminator narrows the spec to UpsSpec
    console.log(count, kva);
  }
  const rack = await firstComponent(integrator, "rack", "42U");
  const ups = await firstComponent(integrator, "ups", "3 kVA");
  const server = await firstComponent(integrator, "server", "");

  // Site, build and lines.
  const site = (await integrator.POST("/api/v1/sites/", {
    body: { name: "Contract store", organisation, ambient_max_c: 27, supply_voltage_v: 230 },
  })).data ?? fail("site");
  const build = (await integrator.POST("/api/v1/builds/", {
    body: { site: site.id, name: "Store rack" },
  })).data ?? fail("build");
  const line = (body: Schemas["BuildLineRequest"]) =>
    integrator.POST("/api/v1/builds/{build_pk}/lines/", {
      params: { path: { build_pk: build.id } },
      body,
    });
  const rackLine = (await line({ component: rack })).data ?? fail("rack line");
  const upsLine = (await line({ component: ups, rack: rackLine.id, position_u: "1.0" })).data;
  await line({ component: server, rack: rackLine.id, position_u: "5.0", feed_a: upsLine?.id });

  // Validation findings.
  const report: Schemas["EngineReport"] = (await integrator.GET("/api/v1/builds/{id}/validation/", {
    params: { path: { id: build.id } },
  })).data ?? fail("report");
  const severities: ("error" | "warning" | "info")[] = report.findings.map((f) => f.severity);
  console.log(report.ok, severities);

  // A stale If-Match answers 412, with the envelope of that status.
  const read = await integrator.GET("/api/v1/builds/{id}/", { params: { path: { id: build.id } } });
  const etag = read.response.headers.get("ETag") ?? fail("no ETag");
  const stale = await integrator.PATCH("/api/v1/builds/{id}/", {
    params: { path: { id: build.id }, header: { "If-Match": '"1"' } },
    body: { name: "Renamed", status: "draft" },
  });
  if (stale.response.status === 412 && stale.error) {
    const code: "precondition_failed" = stale.error.code as "precondition_failed";
    console.log(code, stale.error.message, etag);
  }

  // The BOM in every format.
  // bom/ also negotiates CSV and XLSX (strings): JSON is the object of the union.
  const answer = (await integrator.GET("/api/v1/builds/{id}/bom/", {
    params: { path: { id: build.id } },
  })).data;
  const bom: Schemas["Bom"] = typeof answer === "object" ? answer : fail("bom");
  const csv: string = (await integrator.GET("/api/v1/builds/{id}/bom/csv/", {
    params: { path: { id: build.id } },
    parseAs: "text",
  })).data ?? fail("csv");
  const xlsx: Blob = (await integrator.GET("/api/v1/builds/{id}/bom/xlsx/", {
    params: { path: { id: build.id } },
    parseAs: "blob",
  })).data ?? fail("xlsx");
  console.log(bom.line_count, csv.length, xlsx.size);

  // Clone.
  const clone: Schemas["Build"] = (await integrator.POST("/api/v1/builds/{id}/clone/", {
    params: { path: { id: build.id } },
    body: { name: "Store rack (copy)" },
  })).data ?? fail("clone");
  console.log(clone.status);

  // A quote as the seller: create, issue, the PDF through the 202 flow.
  const quote = (await seller.POST("/api/v1/quotes/", {
    body: { build: build.id, customer_organisation: "northwind", customer_name: "Dana Smith" },
  })).data ?? fail("quote");
  const issued = await seller.POST("/api/v1/quotes/{id}/issue/", {
    params: { path: { id: quote.id } },
    body: { override_reason: "Contract scenario: errors accepted." },
  });
  const blocked: Schemas["UnprocessableEntityError"] | undefined =
    issued.response.status === 422 ? (issued.error as Schemas["UnprocessableEntityError"]) : undefined;
  console.log(issued.data?.label, blocked?.code);
  let status: Schemas["DocumentStatus"] = (await seller.POST("/api/v1/quotes/{id}/pdf/", {
    params: { path: { id: quote.id } },
  })).data ?? fail("pdf");
  while (status.status === "rendering") {
    status = (await seller.GET("/api/v1/quotes/{id}/pdf/status/", {
      params: { path: { id: quote.id } },
    })).data ?? fail("status");
  }
  const pdf: Blob = (await seller.GET("/api/v1/quotes/{id}/pdf/", {
    params: { path: { id: quote.id } },
    parseAs: "blob",
  })).data ?? fail("download");
  console.log(status.filename, pdf.size);

  // validate/ with an example build.
  const inline: Schemas["EngineReport"] = (await integrator.POST("/api/v1/validate/", {
    body: example,
  })).data ?? fail("validate");
  console.log(inline.ok);

  // The error envelope of a bad line.
  const bad = await line({ component: server, rack: rackLine.id, position_u: "5.0" });
  if (bad.error) {
    const envelope: Schemas["BadRequestError"] = bad.error as Schemas["BadRequestError"];
    const code: "validation_error" | "parse_error" | "bad_request" = envelope.code;
    console.log(code, envelope.details);
  }
}
