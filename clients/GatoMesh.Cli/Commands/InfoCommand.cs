using System.CommandLine;
using System.Text.Json.Nodes;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh info [--json]</c>: versions, devices and threads of this installation.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("info", "show versions, devices and threads") { json };
        command.SetAction(parse =>
        {
            var info = new JsonObject
            {
                ["gatomesh"] = typeof(InfoCommand).Assembly.GetName().Version!.ToString(3),
                ["libtorch"] = Torch.Torch.Version,
                ["devices"] = new JsonArray([.. Torch.Torch.Devices.Select(d => JsonValue.Create(d.ToString()))]),
                ["threads"] = Torch.Torch.Threads,
                ["cores"] = Environment.ProcessorCount,
                ["dotnet"] = Environment.Version.ToString(),
            };
            if (parse.GetValue(json))
                Console.WriteLine(info.ToJsonString());
            else
                foreach (var (key, value) in info)
                    Console.WriteLine($"{key,-10} {(value is JsonArray list ? string.Join(", ", list) : value)}");
            return 0;
        });
        return command;
    }
}
