using System.Diagnostics;

namespace GatoMesh.Gateway.Tests;

/// <summary>clients/python/gateway_pb2.py is protoc's output for protos/gatomesh/v1/gateway.proto
/// (Debian's protoc 3.21, which matches Debian's python3-protobuf): regenerated here, it must be the
/// committed file, so the Python client never speaks a stale schema.</summary>
public sealed class GeneratedPythonTests
{
    [Fact]
    public async Task The_committed_python_messages_are_protocs_output_for_the_schema()
    {
        var root = PythonClientTests.RepositoryRoot();
        var output = Directory.CreateTempSubdirectory("gatomesh-protoc-").FullName;
        try
        {
            var start = new ProcessStartInfo("protoc") { RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { $"-I{Path.Combine(root, "protos")}", $"--python_out={output}", Path.Combine(root, "protos", "gatomesh", "v1", "gateway.proto") })
                start.ArgumentList.Add(argument);
            using var protoc = Process.Start(start)!;
            var errors = await protoc.StandardError.ReadToEndAsync();
            await protoc.WaitForExitAsync();
            Assert.True(protoc.ExitCode == 0, $"protoc failed: {errors}");

            var generated = await File.ReadAllTextAsync(Path.Combine(output, "gatomesh", "v1", "gateway_pb2.py"));
            var committed = await File.ReadAllTextAsync(Path.Combine(root, "clients", "python", "gateway_pb2.py"));
            Assert.True(generated == committed, "clients/python/gateway_pb2.py is stale: regenerate it (clients/python/README.md)");
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
