using System.Diagnostics;
using System.Text;
using System.Text.Json;
using GatoMesh.Gateway.Tests.Fixtures;
using GatoMesh.Protos;

namespace GatoMesh.Gateway.Tests;

/// <summary>
/// Issue 6, "Python robot client ... tested in CI": clients/python/example_robot.py runs as a child
/// process (Debian's /usr/bin/python3 and python3-websockets) against a real gateway and must get, step
/// for step, the actions a .NET client gets for the same observations — also when its connection is cut
/// right after a step went out (the retry keeps the step's sequence number).
/// </summary>
public sealed class PythonClientTests
{
    private const int Steps = 4;

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task The_python_robot_gets_the_actions_a_dotnet_client_gets(int dropAfterSend)
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var files = new TemporaryDirectory();
        var spec = files.Write("spec.json", Observations.SpecJson);
        var observations = files.Write("observations.json",
            "[" + string.Join(",", Enumerable.Range(0, Steps).Select(step => ObservationJson(Observations.Wire(11, step)))) + "]");

        var (exit, stdout, stderr) = await RunPythonAsync(Path.Combine(RepositoryRoot(), "clients", "python", "example_robot.py"),
            "--endpoint", gateway.SessionsEndpoint.ToString(), "--key", GatewayUnderTest.KeyA, "--session", "python-robot",
            "--spec", spec, "--observations", observations, "--drop-after-send", dropAfterSend.ToString());

        Assert.True(exit == 0, $"example_robot.py exited {exit}: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Steps, lines.Count);
        await using var client = await gateway.ClientAsync(GatewayUnderTest.KeyA);
        var twin = await client.OpenSessionAsync("dotnet-twin", Observations.SpecJson);
        for (var step = 0; step < Steps; step++)
        {
            var expected = await twin.StepAsync(Observations.For(11, step));
            Assert.Equal(step, lines[step].GetProperty("timestep").GetInt64());
            Assert.Equal(step + 1, lines[step].GetProperty("sequence").GetInt64());
            Assert.Equal(expected.ActionTokens, lines[step].GetProperty("action_tokens").EnumerateArray().Select(t => t.GetInt64()));
            Assert.Equal(expected.ModelVersion, lines[step].GetProperty("model_version").GetString());
        }
        if (dropAfterSend > 0) Assert.Contains("drill: dropping the connection", stderr);
    }

    [Fact]
    public async Task A_refused_request_ends_the_robot_with_exit_code_1_and_the_typed_error()
    {
        await using var gateway = await GatewayUnderTest.StartAsync();
        using var files = new TemporaryDirectory();
        var spec = files.Write("spec.json", Observations.SpecJson);
        var observations = files.Write("observations.json", """[{"joints": {"continuous": {"values": [1, 2]}}}]""");

        var (exit, _, stderr) = await RunPythonAsync(Path.Combine(RepositoryRoot(), "clients", "python", "example_robot.py"),
            "--endpoint", gateway.SessionsEndpoint.ToString(), "--key", GatewayUnderTest.KeyA, "--session", "python-robot",
            "--spec", spec, "--observations", observations);

        Assert.Equal(1, exit);
        Assert.Contains("INVALID_OBSERVATION (observation.", stderr);
    }

    private static string ObservationJson(Google.Protobuf.Collections.MapField<string, GatoMesh.Protos.V1.Field> observation) =>
        "{" + string.Join(",", observation.Select(f => $"{JsonSerializer.Serialize(f.Key)}: {WireJson.Formatter.Format(f.Value)}")) + "}";

    private static async Task<(int Exit, string Stdout, string Stderr)> RunPythonAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await stdout.WaitAsync(deadline.Token), await stderr.WaitAsync(deadline.Token));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"example_robot.py did not finish in 90 s; stderr so far: {(stderr.IsCompleted ? stderr.Result : "")}");
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GatoMesh.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no GatoMesh.sln above {AppContext.BaseDirectory}");
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        private readonly string path = Directory.CreateTempSubdirectory("gatomesh-gateway-").FullName;

        public string Write(string name, string content)
        {
            var file = Path.Combine(path, name);
            File.WriteAllText(file, content, new UTF8Encoding(false));
            return file;
        }

        public void Dispose() => Directory.Delete(path, recursive: true);
    }
}
