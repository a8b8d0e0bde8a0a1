// OpenTelemetry tracing, switched on by the standard variable OTEL_EXPORTER_OTLP_ENDPOINT (an OTLP/HTTP
// collector, e.g. http://otel-collector:4318); OTEL_SERVICE_NAME (default "vantage") and the SDK's
// other OTEL_* variables apply as documented by OpenTelemetry. Spans: every HTTP request (server and
// outgoing, including webhook deliveries) and every PostgreSQL query within it.
// Off by default: nothing is loaded or exported without the endpoint.
import { register } from 'node:module'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { NodeSDK } from '@opentelemetry/sdk-node'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'

/** Starts the SDK; call before the service's modules are imported, so that pg and http are instrumented. */
export function startTracing(): NodeSDK {
  // ES modules are instrumented through import-in-the-middle's loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)
  process.env.OTEL_SERVICE_NAME ??= 'vantage'
  const sdk = new NodeSDK({
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation(),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  })
  sdk.start()
  return sdk
}
