namespace Hospes.Host.Access;

/// <summary>What a request would add to a project's usage, and the words its refusal uses.</summary>
internal sealed record QuotaRequest(string Verb, int Vms, long MemoryMiB, int Vcpus, string Subject)
{
    /// <summary>A new VM; its memory and vCPUs count when it starts at once.</summary>
    public static QuotaRequest Create(string name, long memoryMiB, int vcpus, bool start) =>
        new("creating", 1, start ? memoryMiB : 0, start ? vcpus : 0, name);

    /// <summary><paramref name="count"/> clones of a template, each with that memory and those vCPUs when started.</summary>
    public static QuotaRequest Clones(int count, long memoryMiB, int vcpus, bool start) =>
        new("cloning", count, start ? count * memoryMiB : 0, start ? count * vcpus : 0, count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static QuotaRequest Start(string name, long memoryMiB, int vcpus) => new("starting", 0, memoryMiB, vcpus, name);

    /// <summary>A running VM's memory from <paramref name="fromMiB"/> to <paramref name="toMiB"/> (less is always allowed).</summary>
    public static QuotaRequest MemSet(string name, long fromMiB, long toMiB) => new("growing", 0, Math.Max(0, toMiB - fromMiB), 0, name);

    /// <summary>A running VM's vCPUs from <paramref name="from"/> to <paramref name="to"/> (fewer is always allowed).</summary>
    public static QuotaRequest VcpuSet(string name, int from, int to) => new("growing", 0, 0, Math.Max(0, to - from), name);
}
