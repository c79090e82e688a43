using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GatoMesh.Torch.Tests;

/// <summary>
/// Evaluates PyTorch expressions in Debian's /usr/bin/python3 (python3-torch) as an independent
/// reference: inputs go in as JSON (data, shape, dtype), each expression's result comes back as its
/// shape and its values as float64.
/// </summary>
public static class PyTorchReference
{
    private const string Program = """
        import json, sys, torch
        import torch.nn.functional as F
        request = json.load(sys.stdin)
        env = {"torch": torch, "F": F}
        for name, spec in request["inputs"].items():
            env[name] = torch.tensor(spec["data"], dtype=getattr(torch, spec["dtype"])).reshape(spec["shape"])
        exec(request.get("setup", ""), env)
        out = {}
        for name, expr in request["cases"].items():
            r = eval(expr, env)
            out[name] = {"shape": list(r.shape), "data": r.detach().double().flatten().tolist()}
        print(json.dumps(out))
        """;

    public sealed record Input(string DType, long[] Shape, double[] Data);
    public sealed record Result(long[] Shape, double[] Data);

    public static IReadOnlyDictionary<string, Result> Evaluate(
        IReadOnlyDictionary<string, Input> inputs, IReadOnlyDictionary<string, string> cases, string setup = "")
    {
        var request = new JsonObject
        {
            ["inputs"] = new JsonObject(inputs.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)new JsonObject
            {
                ["dtype"] = i.Value.DType,
                ["shape"] = new JsonArray(i.Value.Shape.Select(d => (JsonNode?)d).ToArray()),
                ["data"] = new JsonArray(i.Value.Data.Select(d => (JsonNode?)d).ToArray()),
            }))),
            ["cases"] = new JsonObject(cases.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
            ["setup"] = setup,
        };
        var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Program])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var stderr = python.StandardError.ReadToEndAsync();
        python.StandardInput.Write(request.ToJsonString());
        python.StandardInput.Close();
        var stdout = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0)
            throw new InvalidOperationException($"the PyTorch reference failed (exit {python.ExitCode}): {stderr.Result}");
        var results = JsonNode.Parse(stdout)!.AsObject();
        return results.ToDictionary(
            r => r.Key,
            r => new Result(
                r.Value!["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray(),
                r.Value!["data"]!.AsArray().Select(d => d!.GetValue<double>()).ToArray()));
    }
}
