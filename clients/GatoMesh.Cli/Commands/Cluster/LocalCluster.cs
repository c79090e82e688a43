using System.Text.Json;
using System.Text.Json.Serialization;

namespace GatoMesh.Cli;

/// <summary>One silo of a local cluster: its name, its ports (Orleans' silo and gateway ports, internal to
/// the cluster; <see cref="HttpPort"/>, the gateway for robots) and its process.</summary>
internal sealed record LocalSilo(string Name, int Port, int GatewayPort, int HttpPort, LocalProcess Process);

/// <summary>
/// A running local cluster as `gatomesh cluster up` records it in <c>.gatomesh/cluster.json</c>: what
/// `gatomesh cluster down` needs to stop it, and what a developer or another command (training that
/// joins it, a deployment) needs to reach it: Redis, the cluster id, the cluster certificate and the
/// admin key file.
/// </summary>
internal sealed record LocalCluster(string ClusterId, string Redis, LocalProcess RedisProcess, string Certificate, string AdminKeyFile,
    IReadOnlyList<LocalSilo> Silos)
{
    public const string FileName = "cluster.json";

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    /// <summary>The recorded cluster, or null if none is recorded.</summary>
    public static LocalCluster? Load(string stateDirectory) => File.Exists(PathIn(stateDirectory)) ? Read(PathIn(stateDirectory)) : null;

    /// <summary>The cluster recorded in <paramref name="path"/> (a cluster.json, or the folder holding one).</summary>
    public static LocalCluster Read(string path)
    {
        var file = Directory.Exists(path) ? PathIn(path) : path;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(file), LocalClusterJson.Default.LocalCluster)
                ?? throw new LocalClusterException($"{file} is empty");
        }
        catch (JsonException e)
        {
            throw new LocalClusterException($"{file} is not a cluster record ({e.Message}); remove it after stopping its processes by hand");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LocalClusterException($"{file}: {e.Message} (start a cluster with `gatomesh cluster up`)");
        }
    }

    public void Save(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        // Write then rename, so a reader never sees half a record.
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(this, LocalClusterJson.Default.LocalCluster));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static void Forget(string stateDirectory) => File.Delete(PathIn(stateDirectory));

    public string AdminKey() => File.ReadAllText(AdminKeyFile).Trim();

    [JsonIgnore]
    public IEnumerable<LocalProcess> Processes => Silos.Select(s => s.Process).Append(RedisProcess);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(LocalCluster))]
internal sealed partial class LocalClusterJson : JsonSerializerContext;
