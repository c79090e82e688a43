using System.Diagnostics;
using GatoMesh.Gateway.Tests.Fixtures;
using OpenTelemetry.Trace;

namespace GatoMesh.Gateway.Tests;

/// <summary>docs/GATEWAY.md, "Traces": one step is one trace through the gateway, Orleans' call into the
/// session grain, the session's step and the engine.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_step_is_one_trace_from_the_gateway_through_the_session_to_the_engine()
    {
        var spans = new List<Activity>();
        await using var gateway = await GatewayUnderTest.StartAsync(tracing: t => t.AddInMemoryExporter(spans));
        await using (var client = await gateway.ClientAsync(GatewayUnderTest.KeyA))
        {
            var session = await client.OpenSessionAsync("traced", Observations.SpecJson);
            await session.StepAsync(Observations.For(3, 0));
        }

        // Spans are exported as they end; the gateway's ends last, after its reply was built. Other tests'
        // silos in this process trace too: this test's step is the one of session fleet-a/traced.
        Activity? SessionStep() => Snapshot(spans).FirstOrDefault(s => s.DisplayName == "session step" && s.GetTagItem("gatomesh.session") as string == "fleet-a/traced");
        await Eventually.True(() => SessionStep() is { } step && Snapshot(spans).Any(s => s.TraceId == step.TraceId && s.DisplayName == "gateway step"),
            "the step's gateway span was exported", TimeSpan.FromSeconds(10));
        var sessionStep = SessionStep()!;
        var trace = Snapshot(spans).Where(s => s.TraceId == sessionStep.TraceId).ToList();
        var gatewayStep = Assert.Single(trace, s => s.DisplayName == "gateway step");
        // A session's first step finds no cache and resends its context: one engine span per attempt.
        var engine = trace.Where(s => s.DisplayName == "engine act").ToList();
        Assert.NotEmpty(engine);
        Assert.Equal("fleet-a", gatewayStep.GetTagItem("gatomesh.fleet"));
        Assert.True(IsAncestor(trace, gatewayStep, sessionStep), "the session's span is not under the gateway's");
        Assert.All(engine, e => Assert.True(IsAncestor(trace, sessionStep, e), "an engine span is not under the session's"));
    }

    private static List<Activity> Snapshot(List<Activity> spans)
    {
        lock (spans) return [.. spans];
    }

    private static bool IsAncestor(List<Activity> trace, Activity ancestor, Activity span)
    {
        for (var parent = span.ParentSpanId; parent != default;)
        {
            if (parent == ancestor.SpanId) return true;
            var next = trace.FirstOrDefault(s => s.SpanId == parent);
            if (next is null) return false;
            parent = next.ParentSpanId;
        }
        return false;
    }
}
