// The entry point: tracing first when configured (OpenTelemetry must instrument pg and http before
// they are imported; infra/telemetry.ts), then the process itself (main.ts).
const { OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SDK_DISABLED } = process.env
if ((OTEL_EXPORTER_OTLP_ENDPOINT || OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && OTEL_SDK_DISABLED !== 'true') {
  const { startTracing } = await import('./infra/telemetry.js')
  const tracing = startTracing()
  process.once('exit', () => void tracing.shutdown())
}
await import('./main.js')
