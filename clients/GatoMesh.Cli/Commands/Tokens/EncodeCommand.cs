using System.CommandLine;
using System.Text.Json.Nodes;
using GatoMesh.Tokens;

namespace GatoMesh.Cli;

/// <summary><c>gatomesh tokens encode --spec SPEC.json --observation OBS.json [--action ACT.json]
/// [--text-model M.model] [--text-vocab N] [--json]</c>: one timestep as the model receives it.</summary>
internal static class EncodeCommand
{
    public static Command Create()
    {
        var spec = new Option<FileInfo>("--spec") { Description = "embodiment spec (JSON, docs/TOKENS.md)", Required = true };
        var observation = new Option<FileInfo>("--observation") { Description = "observation (JSON)", Required = true };
        var action = new Option<FileInfo?>("--action") { Description = "action taken after it (JSON); appended after the separator" };
        var textModel = new Option<FileInfo?>("--text-model") { Description = "SentencePiece model, needed when the spec has text fields" };
        var textVocab = new Option<int?>("--text-vocab") { Description = "text vocabulary size V (default: the model's, else 32000)" };
        var json = new Option<bool>("--json") { Description = "print one JSON object" };
        var command = new Command("encode", "encode one timestep: ids, local positions, loss mask, patch positions")
            { spec, observation, action, textModel, textVocab, json };
        command.SetAction(parse =>
        {
            var embodiment = SpecJsonReader.Load(parse.GetValue(spec)!.FullName);
            // Name the option a user must add (the library's TimestepEncoder says only "text_model").
            if (parse.GetValue(textModel) is null && embodiment.Observation.FirstOrDefault(f => f.Kind == FieldKind.Text) is { } textField)
                throw new InvalidValueException("--text-model", null,
                    $"the spec '{embodiment.Name}' has the text field '{textField.Key}'; give a SentencePiece model (gatomesh tokens train-text)");
            var text = parse.GetValue(textModel) is { } model ? SentencePieceTokenizer.Load(model.FullName) : null;
            var space = new TokenSpace(parse.GetValue(textVocab) ?? text?.VocabSize ?? TokenSpace.DefaultTextVocabSize);
            var encoder = new TimestepEncoder(embodiment, space, text);
            var values = ValueJsonReader.ReadObservation(Read(parse.GetValue(observation)!, "observation"), embodiment);
            var taken = parse.GetValue(action) is { } file ? ValueJsonReader.ReadAction(Read(file, "action"), embodiment) : null;
            var buffer = new TokenBuffer();
            var separatorIndex = encoder.Encode(values, taken, buffer);
            if (parse.GetValue(json))
            {
                Console.WriteLine(new JsonObject
                {
                    ["ids"] = Array(buffer.Ids.ToArray()),
                    ["local_positions"] = Array(buffer.LocalPositions.ToArray()),
                    ["loss_mask"] = Array(buffer.LossMask.ToArray().Select(b => b ? 1 : 0).ToArray()),
                    ["separator"] = space.Separator,
                    ["separator_index"] = separatorIndex,
                    ["patch_positions"] = new JsonArray(Enumerable.Range(0, buffer.PatchCount)
                        .Select(p => (JsonNode)Array([buffer.PatchRows[p], buffer.PatchColumns[p]])).ToArray()),
                    ["text_vocab_size"] = space.TextVocabSize,
                }.ToJsonString());
                return 0;
            }
            Console.WriteLine($"{embodiment.Name}: {buffer.Count} tokens, {buffer.PatchCount} patches, separator {space.Separator} at {separatorIndex}");
            Console.WriteLine($"{"index",5} {"id",7} {"local",5} {"loss",4}  patch");
            for (int t = 0, patch = 0; t < buffer.Count; t++)
            {
                var where = buffer.Ids[t] == TokenBuffer.PatchId ? $"row {buffer.PatchRows[patch]}, column {buffer.PatchColumns[patch++]}" : "";
                Console.WriteLine($"{t,5} {buffer.Ids[t],7} {buffer.LocalPositions[t],5} {(buffer.LossMask[t] ? 1 : 0),4}  {where}");
            }
            return 0;
        });
        return command;
    }

    static string Read(FileInfo file, string option) =>
        file.Exists ? File.ReadAllText(file.FullName) : throw new InvalidValueException(option, file.FullName, "file not found");

    static JsonArray Array(int[] values) => new(values.Select(v => (JsonNode)v).ToArray());
}
