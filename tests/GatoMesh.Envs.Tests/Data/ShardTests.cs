using GatoMesh.Data;

namespace GatoMesh.Envs.Tests;

/// <summary>Shards give back exactly what was written, and a damaged shard is reported with the
/// record that is bad, never read past.</summary>
public class ShardTests
{
    static List<Data.EpisodeRecord> Episodes(string name, int count)
    {
        var task = TaskCatalog.Get(name);
        using var environment = task.CreateEnvironment();
        var expert = task.CreateExpert(environment);
        return Enumerable.Range(0, count).Select(i => Rollout.Run(name, environment, expert, (ulong)i)).ToList();
    }

    static string WriteShard(TemporaryDirectory directory, string name, IEnumerable<Data.EpisodeRecord> episodes)
    {
        var path = directory.File($"{name}.gmshard");
        using var environment = TaskCatalog.Get(name).CreateEnvironment();
        using var writer = ShardWriter.Create(path, ShardHeader.Episodes(name, environment.Spec));
        foreach (var episode in episodes)
            writer.Write(episode);
        return path;
    }

    [Theory]
    [InlineData("catch")]
    [InlineData("gridworld")]
    [InlineData("cartpole-swingup")]
    [InlineData("reacher")]
    [InlineData("pixel-goto")]
    [InlineData("cartpole-balance")]
    [InlineData("point-mass")]
    [InlineData("caption")]
    public void Episodes_read_back_bit_identical_with_the_spec_from_the_header(string name)
    {
        using var directory = new TemporaryDirectory();
        var written = Episodes(name, 3);
        var path = WriteShard(directory, name, written);
        using var reader = ShardReader.Open(path);
        using var environment = TaskCatalog.Get(name).CreateEnvironment();
        Assert.Equal(name, reader.Header.Task);
        Assert.Equal(environment.Spec.Observation.Select(f => f.ToString()), reader.Header.Spec!.Observation.Select(f => f.ToString()));
        Assert.Equal(environment.Spec.Action.Select(f => f.ToString()), reader.Header.Spec.Action.Select(f => f.ToString()));
        var read = reader.ReadEpisodes().ToList();
        Assert.Equal(written.Count, read.Count);
        Assert.All(written.Zip(read), pair => Assert.True(Tests.Episodes.Same(pair.First, pair.Second)));
    }

    [Fact]
    public void A_shard_of_recorded_rollouts_names_the_model_version_that_acted_and_expert_shards_name_none()
    {
        using var directory = new TemporaryDirectory();
        using var environment = TaskCatalog.Get("catch").CreateEnvironment();
        var recorded = Path.Combine(directory.Path, "recorded.gmshard");
        using (ShardWriter.Create(recorded, ShardHeader.Episodes("catch", environment.Spec, modelVersion: "gato-small@7"))) { }
        using (var reader = ShardReader.Open(recorded))
            Assert.Equal("gato-small@7", reader.Header.ModelVersion);
        var expert = WriteShard(directory, "catch", Episodes("catch", 1));
        using (var reader = ShardReader.Open(expert))
            Assert.Null(reader.Header.ModelVersion);
    }

    [Fact]
    public void Captions_read_back_identical()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("captions.gmshard");
        var written = Enumerable.Range(0, 5).Select(i => CaptionedScenes.Generate((ulong)i)).ToList();
        using (var writer = ShardWriter.Create(path, ShardHeader.Captions("vision-language", 64, 64)))
            written.ForEach(writer.Write);
        using var reader = ShardReader.Open(path);
        var read = reader.ReadCaptions().ToList();
        Assert.Equal(written.Select(c => (c.Seed, c.Caption)), read.Select(c => (c.Seed, c.Caption)));
        Assert.All(written.Zip(read), pair => Assert.Equal(pair.First.Image, pair.Second.Image));
    }

    [Fact]
    public void A_flipped_byte_is_a_checksum_error_naming_the_shard_and_record_after_the_good_ones_are_read()
    {
        using var directory = new TemporaryDirectory();
        var episodes = Episodes("gridworld", 4);
        var path = WriteShard(directory, "gridworld", episodes);
        var bytes = File.ReadAllBytes(path);
        // Record 2's payload starts after the header and two whole records; flip a byte inside it.
        var offset = RecordOffset(bytes, 2) + 4 + 20;
        bytes[offset] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        using var reader = ShardReader.Open(path);
        var good = new List<Data.EpisodeRecord>();
        var error = Assert.Throws<ShardCorruptException>(() =>
        {
            foreach (var episode in reader.ReadEpisodes())
                good.Add(episode);
        });
        Assert.Equal(2, error.Record);
        Assert.Equal(path, error.ShardPath);
        Assert.Contains("checksum mismatch", error.Message);
        Assert.Contains("record 2", error.Message);
        Assert.Equal(2, good.Count);
    }

    [Fact]
    public void A_flipped_length_prefix_is_reported_not_read_as_another_record_boundary()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteShard(directory, "gridworld", Episodes("gridworld", 3));
        var bytes = File.ReadAllBytes(path);
        bytes[RecordOffset(bytes, 1)] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        using var reader = ShardReader.Open(path);
        var error = Assert.ThrowsAny<ShardException>(() => reader.ReadEpisodes().ToList());
        Assert.Equal(1, error.Record);
    }

    [Fact]
    public void A_truncated_shard_reports_truncation_at_the_partial_record()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteShard(directory, "reacher", Episodes("reacher", 3));
        var bytes = File.ReadAllBytes(path);
        foreach (var cut in new[] { bytes.Length - 1, RecordOffset(bytes, 2) + 2, RecordOffset(bytes, 2) + 100 })
        {
            File.WriteAllBytes(path, bytes[..cut]);
            using var reader = ShardReader.Open(path);
            var error = Assert.Throws<ShardTruncatedException>(() => reader.ReadEpisodes().ToList());
            Assert.Equal(2, error.Record);
            Assert.Contains(path, error.Message);
        }
    }

    [Fact]
    public void A_truncated_or_foreign_header_is_reported_as_the_header()
    {
        using var directory = new TemporaryDirectory();
        var path = WriteShard(directory, "catch", Episodes("catch", 1));
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Equal(-1, Assert.Throws<ShardTruncatedException>(() => ShardReader.Open(path)).Record);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        Assert.Contains("bad magic", Assert.Throws<ShardCorruptException>(() => ShardReader.Open(path)).Message);
    }

    [Fact]
    public void Appending_continues_an_intact_shard_and_refuses_a_truncated_one()
    {
        using var directory = new TemporaryDirectory();
        var episodes = Episodes("catch", 3);
        var path = WriteShard(directory, "catch", episodes.Take(2));
        using (var writer = ShardWriter.Append(path))
        {
            Assert.Equal(2, writer.RecordCount);
            writer.Write(episodes[2]);
        }
        using (var reader = ShardReader.Open(path))
            Assert.Equal(3, reader.Verify());
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Throws<ShardTruncatedException>(() => ShardWriter.Append(path));
        Assert.Equal(bytes.Length - 3, new FileInfo(path).Length);
    }

    [Fact]
    public void The_checksum_is_the_standard_crc32()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    /// <summary>The byte offset of record <paramref name="index"/>, walking the length prefixes.</summary>
    static int RecordOffset(byte[] shard, int index)
    {
        var offset = 12;
        offset += 4 + BitConverter.ToInt32(shard, offset) + 4;
        for (var i = 0; i < index; i++)
            offset += 4 + BitConverter.ToInt32(shard, offset) + 4;
        return offset;
    }
}
