using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh tokens mulaw --values 0.5,-1.2,0 [--text-vocab N] [--json]</c>: the ids of
/// continuous values and what those ids decode to.</summary>
internal static class MuLawCommand
{
    public static Command Create()
    {
        var values = new Option<string>("--values") { Description = "comma-separated numbers (write --values=-1,2 when the first is negative)", Required = true };
        var textVocab = new Option<int>("--text-vocab") { Description = "text vocabulary size V; continuous ids are [V, V+1024)", DefaultValueFactory = _ => TokenSpace.DefaultTextVocabSize };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("mulaw", "continuous values to mu-law token ids and back") { values, textVocab, json };
        command.SetAction(parse =>
        {
            var space = new TokenSpace(parse.GetValue(textVocab));
            var tokenizer = new ContinuousTokenizer(space);
            var numbers = Parse(parse.GetValue(values)!);
            var tokens = numbers.Select((v, i) => tokenizer.Encode(v, "values", i)).ToArray();
            var decoded = tokens.Select((id, i) => tokenizer.Decode(id, "values", i)).ToArray();
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["tokens"] = new JsonArray(tokens.Select(t => (JsonNode)t).ToArray()),
                    ["decoded"] = new JsonArray(decoded.Select(d => (JsonNode)d).ToArray()),
                }.ToJsonString());
                return 0;
            }
            Console.WriteLine($"{"value",14} {"token",7} {"bin",5} {"decoded",14}");
            for (var i = 0; i < numbers.Length; i++)
                Console.WriteLine($"{numbers[i],14:G7} {tokens[i],7} {tokens[i] - space.ContinuousOffset,5} {decoded[i],14:G7}");
            return 0;
        });
        return command;
    }

    static float[] Parse(string text) => text.Split(',').Select((item, i) =>
        float.TryParse(item.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidValueException($"values[{i}]", item, "not a number")).ToArray();
}
