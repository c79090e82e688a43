using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Data;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh data verify DIR [--json]</c>: reads every shard under DIR, checking each
/// record's checksum, and reports the truncated or corrupt ones with the bad record. Exit code 1
/// when any shard is bad.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("dir") { Description = "data directory (or any folder of .gmshard files)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("verify", "check every shard's records and report damaged shards") { directory, json };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(directory)!;
            if (!root.Exists)
                throw new DirectoryNotFoundException($"dir = {root.FullName}: no such directory");
            var shards = Directory.GetFiles(root.FullName, "*.gmshard", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            var results = new JsonArray();
            var bad = 0;
            var records = 0;
            foreach (var shard in shards)
            {
                var relative = Path.GetRelativePath(root.FullName, shard);
                try
                {
                    using var reader = ShardReader.Open(shard);
                    var count = reader.Verify();
                    records += count;
                    results.Add(new JsonObject { ["shard"] = relative, ["status"] = "ok", ["records"] = count });
                    if (!parse.GetValue(json))
                        Console.WriteLine($"ok         {relative} ({count} records)");
                }
                catch (ShardException e)
                {
                    bad++;
                    var status = e is ShardTruncatedException ? "truncated" : "corrupt";
                    results.Add(new JsonObject { ["shard"] = relative, ["status"] = status, ["record"] = e.Record, ["error"] = e.Message });
                    if (!parse.GetValue(json))
                        Console.WriteLine($"{status,-10} {relative}: {e.Message}");
                }
            }
            if (parse.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["dir"] = root.FullName, ["shards"] = shards.Count, ["bad"] = bad, ["records"] = records, ["results"] = results,
                }.ToJsonString(ReadableJson.Options));
            else
                Console.WriteLine($"{shards.Count} shard(s), {records} good record(s), {bad} damaged");
            return bad == 0 ? 0 : 1;
        });
        return command;
    }
}
