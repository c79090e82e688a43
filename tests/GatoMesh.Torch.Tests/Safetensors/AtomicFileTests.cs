using GatoMesh.Torch.Safetensors;

namespace GatoMesh.Torch.Tests.Safetensors;

/// <summary>A replace either completes or leaves the previous file, and never leaves a temporary behind.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("gatomesh-atomic-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void A_failed_write_leaves_the_previous_file_and_no_temporary()
    {
        var path = Path.Combine(folder, "keep.safetensors");
        using (var first = Tensor.From<float>([1f, 2f])) SafetensorsFile.Save(path, [("first", first)]);
        var before = File.ReadAllBytes(path);

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_successful_write_replaces_the_file_whole()
    {
        var path = Path.Combine(folder, "replace.safetensors");
        using (var first = Tensor.From<float>([1f, 2f])) SafetensorsFile.Save(path, [("first", first)]);
        using (var second = Tensor.Ones([3])) SafetensorsFile.Save(path, [("only", second)]);

        using var loaded = SafetensorsFile.Load(path);
        Assert.Equal(["only"], loaded.Names);
        Assert.Equal([1f, 1f, 1f], loaded["only"].ToArray<float>());
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_missing_folder_is_reported_as_such()
    {
        var path = Path.Combine(folder, "absent", "x.safetensors");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Write(path, s => s.WriteByte(1)));
    }
}
