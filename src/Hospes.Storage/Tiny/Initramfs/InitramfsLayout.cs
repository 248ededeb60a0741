namespace Hospes.Storage.Tiny.Initramfs;

/// <summary>The members of an initramfs, kept in path order so every directory precedes its contents (the kernel needs that).</summary>
internal sealed class InitramfsLayout
{
    private readonly SortedDictionary<string, CpioEntry> _entries = new(StringComparer.Ordinal);

    public IEnumerable<CpioEntry> Entries => _entries.Values;

    public bool Contains(string path) => _entries.ContainsKey(path);

    /// <summary>Adds the entry and any missing parent directories; a path may be added once.</summary>
    public void Add(CpioEntry entry)
    {
        for (string? parent = Path.GetDirectoryName(entry.Path); !string.IsNullOrEmpty(parent); parent = Path.GetDirectoryName(parent))
        {
            _entries.TryAdd(parent, CpioEntry.Directory(parent));
        }

        if (!_entries.TryAdd(entry.Path, entry))
        {
            // Only an implicit parent directory may be replaced, by the explicit one (e.g. with other permissions).
            if (entry.Kind != CpioEntryKind.Directory || _entries[entry.Path].Kind != CpioEntryKind.Directory)
            {
                throw new InvalidOperationException($"initramfs member {entry.Path} was added twice");
            }

            _entries[entry.Path] = entry;
        }
    }

    public async Task WriteCpioAsync(Stream stream, CancellationToken ct)
    {
        var writer = new CpioWriter(stream);
        foreach (CpioEntry entry in _entries.Values)
        {
            await writer.WriteAsync(entry, ct).ConfigureAwait(false);
        }

        await writer.FinishAsync(ct).ConfigureAwait(false);
    }
}
