using System.Text;

namespace GatoMesh.Runtime.Serialization;

/// <summary>
/// Decoded grain type names by their UTF-8 bytes. Every request frame names its grain type; a process
/// sees only a handful of types, so reusing the string saves an allocation and a decode per message.
/// A slot holds one name; a collision just decodes again (the cache is an optimization, never a source of truth).
/// </summary>
internal static class NameCache
{
    private const int Slots = 256;
    private static readonly Entry?[] s_entries = new Entry?[Slots];

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        uint h = 2166136261;
        foreach (byte b in utf8) h = (h ^ b) * 16777619;
        ref var slot = ref s_entries[h % Slots];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && utf8.SequenceEqual(entry.Utf8)) return entry.Name;
        string name = Encoding.UTF8.GetString(utf8);
        if (utf8.Length <= 256) Volatile.Write(ref slot, new Entry(utf8.ToArray(), name));
        return name;
    }

    private sealed record Entry(byte[] Utf8, string Name);
}
