using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Context;

namespace Console.Web.Hosting;

/// <summary>
/// Structured logs carrying request, user and trace ids; OpenTelemetry traces and metrics for ASP.NET Core, HTTP
/// clients and the database, exported over OTLP only when an endpoint is configured.
/// </summary>
public static class Observability
{
    public const string ServiceName = "vnf-mobility-console";

    public static void AddConsoleObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate:
                "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} trace={TraceId} {Properties:j}{NewLine}{Exception}"));

        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]
            ?? builder.Configuration["OpenTelemetry:OtlpEndpoint"];
        var exportOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(ServiceName, serviceVersion: typeof(Observability).Assembly.GetName().Version?.ToString()))
            .WithTracing(t =>
            {
                t.AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/_blazor"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddSource("Marten");
                if (exportOtlp)
                {
                    t.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint!));
                }
            })
            .WithMetrics(m =>
            {
                m.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter("Npgsql", "Marten");
                if (exportOtlp)
                {
                    m.AddOtlpExporter(o => o.Endpoint = new Uri(otlpEndpoint!));
                }
            });
        _ = otel;
    }

    /// <summary>One summary line per request (with its user, once known), timed over the whole pipeline.</summary>
    public static void UseConsoleRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(o =>
        {
            o.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("RequestId", http.TraceIdentifier);
                diagnostics.Set("UserId", UserIdOf(http));
            };
            o.GetLevel = (http, _, ex) => ex is not null || http.Response.StatusCode >= 500
                ? Serilog.Events.LogEventLevel.Error
                : IsPlumbing(http.Request.Path)
                    ? Serilog.Events.LogEventLevel.Verbose
                    : Serilog.Events.LogEventLevel.Information;
        });
    }

    /// <summary>
    /// After authentication: every log line written while serving the request carries its request and user ids;
    /// Serilog adds the trace and span ids of the current activity by itself.
    /// </summary>
    public static void UseConsoleLogContext(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            using (LogContext.PushProperty("RequestId", context.TraceIdentifier))
            using (LogContext.PushProperty("UserId", UserIdOf(context)))
            {
                await next(context);
            }
        });

    // The same person id the commands record, so log lines and the history name one person alike.
    private static string UserIdOf(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? Security.CurrentActor.PersonId(http.User) : "anonymous";

    private static bool IsPlumbing(PathString path) =>
        path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content");
}
