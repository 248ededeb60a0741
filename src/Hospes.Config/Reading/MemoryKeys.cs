namespace Hospes.Config.Reading;

/// <summary>memory and maxmem, in MiB.</summary>
internal sealed class MemoryKeys : IKeyGroup
{
    public const int MinimumMib = Core.Vms.SpecRules.MinMemoryMib;

    public void Read(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        if (context.Integer("memory", "a number of MiB", "memory = 512") is { } memory)
        {
            if (memory.Value < MinimumMib)
            {
                context.Error(memory.Source, $"memory: {memory.Value} MiB is too little; a guest needs at least {MinimumMib} MiB, e.g. memory = 512");
            }
            else if (memory.Value > int.MaxValue)
            {
                context.Error(memory.Source, $"memory: {memory.Value} MiB is too large; memory is given in MiB, e.g. memory = 512");
            }
            else
            {
                draft.MemoryMib = (int)memory.Value;
            }
        }

        draft.MaxMemoryMib = draft.MemoryMib;
        if (context.Integer("maxmem", "a number of MiB", "maxmem = 1024") is { } maxmem)
        {
            if (maxmem.Value < draft.MemoryMib)
            {
                context.Error(maxmem.Source, $"maxmem: {maxmem.Value} MiB is below memory ({draft.MemoryMib} MiB); raise maxmem to at least memory or remove it");
            }
            else if (maxmem.Value > int.MaxValue)
            {
                context.Error(maxmem.Source, $"maxmem: {maxmem.Value} MiB is too large; maxmem is given in MiB, e.g. maxmem = 1024");
            }
            else
            {
                draft.MaxMemoryMib = (int)maxmem.Value;
            }
        }
    }
}
