using GatoMesh.Fleet;

namespace GatoMesh.Fleet.Tests;

public class GatewayAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "ws://127.0.0.1:8080/v1/sessions", "http://127.0.0.1:8080/metrics")]
    [InlineData("ws://localhost:9000", "ws://localhost:9000/v1/sessions", "http://localhost:9000/metrics")]
    [InlineData("ws://10.0.0.5:81/custom/path", "ws://10.0.0.5:81/custom/path", "http://10.0.0.5:81/metrics")]
    [InlineData("wss://gato.example:443/v1/sessions", "wss://gato.example/v1/sessions", "https://gato.example/metrics")]
    public void An_address_names_the_sessions_endpoint_and_the_metrics_beside_it(string address, string sessions, string metrics)
    {
        var parsed = GatewayAddress.Parse(address);
        Assert.Equal(new Uri(sessions), parsed.Sessions);
        Assert.Equal(new Uri(metrics), parsed.Metrics);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:http")]
    [InlineData("http://localhost:8080")]
    [InlineData("127.0.0.1:70000")]
    public void Anything_else_is_an_error_naming_the_option(string address)
    {
        var error = Assert.Throws<InvalidFleetOptionException>(() => GatewayAddress.Parse(address));
        Assert.Equal("--silo", error.Option);
        Assert.Contains(address, error.Message);
    }

    [Fact]
    public void Engine_totals_come_from_the_four_engine_gauges_summed_over_silos_and_need_all_four()
    {
        const string text = """
            # TYPE gatomesh_engine_iterations gauge
            gatomesh_engine_iterations{silo="127.0.0.1:1"} 10
            gatomesh_engine_iterations{silo="127.0.0.1:2"} 5
            gatomesh_engine_decode_tokens{silo="127.0.0.1:1"} 70
            gatomesh_engine_prefill_tokens{silo="127.0.0.1:1"} 30
            gatomesh_engine_batched_sequences{silo="127.0.0.1:1"} 40
            """;
        Assert.Equal(new EngineTotals(15, 70, 30, 40), PrometheusEngineTotals.Parse(text));
        Assert.Null(PrometheusEngineTotals.Parse(text.Replace("gatomesh_engine_prefill_tokens", "other")));
    }
}
