using Hospes.Core.Vms;
using Hospes.Config.Syntax;

namespace Hospes.Config.Reading;

/// <summary>vcpus, maxvcpus, vcpu_avail (xm), cpus (affinity), cpu_weight and cpu_cap (xl's cap).</summary>
internal sealed class CpuKeys : IKeyGroup
{
    public void Read(ReadContext context)
    {
        ReadCounts(context);
        ReadAvailable(context);
        ReadAffinity(context);
        ReadScheduling(context);
    }

    private static void ReadCounts(ReadContext context)
    {
        SpecDraft draft = context.Draft;
        int hostCpus = context.Host.CpuCount;
        if (context.Integer("vcpus", "a number of virtual CPUs", "vcpus = 2") is { } vcpus)
        {
            if (vcpus.Value < 1)
            {
                context.Error(vcpus.Source, $"vcpus: {vcpus.Value} is not a usable number of virtual CPUs; write at least 1, e.g. vcpus = 2");
            }
            else if (vcpus.Value > CpuList.MaxCpus)
            {
                context.Error(vcpus.Source, $"vcpus: {vcpus.Value} virtual CPUs are more than a guest may have; give at most {CpuList.MaxCpus}");
            }
            else
            {
                draft.Vcpus = (int)vcpus.Value;
                if (vcpus.Value > hostCpus)
                {
                    context.HostProblem(vcpus.Source, $"vcpus: {vcpus.Value} virtual CPUs but this host has {hostCpus} CPUs; lower vcpus to at most {hostCpus}");
                }
            }
        }

        draft.MaxVcpus = draft.Vcpus;
        if (context.Integer("maxvcpus", "a number of virtual CPUs", "maxvcpus = 4") is { } maxvcpus)
        {
            if (maxvcpus.Value < draft.Vcpus)
            {
                context.Error(maxvcpus.Source, $"maxvcpus: {maxvcpus.Value} is below vcpus ({draft.Vcpus}); raise maxvcpus to at least vcpus or remove it");
            }
            else if (maxvcpus.Value > CpuList.MaxCpus)
            {
                context.Error(maxvcpus.Source, $"maxvcpus: {maxvcpus.Value} virtual CPUs are more than a guest may have; give at most {CpuList.MaxCpus}");
            }
            else
            {
                draft.MaxVcpus = (int)maxvcpus.Value;
                if (maxvcpus.Value > hostCpus)
                {
                    context.HostProblem(maxvcpus.Source, $"maxvcpus: {maxvcpus.Value} virtual CPUs but this host has {hostCpus} CPUs; lower maxvcpus to at most {hostCpus}");
                }
            }
        }
    }

    /// <summary>
    /// xm's vcpu_avail: a bitmask of the vCPUs online at boot, of vcpus (or maxvcpus) in all. The guest boots with that
    /// many online (-smp N,maxcpus=M); the rest can be brought online later, as under Xen.
    /// </summary>
    private static void ReadAvailable(ReadContext context)
    {
        if (context.Integer("vcpu_avail", "a bitmask of vCPUs", "vcpu_avail = 0x3") is not { } avail)
        {
            return;
        }

        SpecDraft draft = context.Draft;
        int all = draft.MaxVcpus;
        long inRange = all >= 63 ? avail.Value : avail.Value & ((1L << all) - 1);
        int online = System.Numerics.BitOperations.PopCount((ulong)inRange);
        if (avail.Value <= 0 || online == 0)
        {
            context.Error(avail.Source, $"vcpu_avail: {avail.Text()} leaves no vCPU of the {all} online; set bit 0 at least, e.g. vcpu_avail = 0x1");
            return;
        }

        if (inRange != avail.Value)
        {
            context.Warning(avail.Source, $"vcpu_avail: {avail.Text()} names vCPUs beyond the {all} the guest has; only vCPUs 0 to {all - 1} count");
        }

        if (inRange != (1L << online) - 1)
        {
            context.Warning(avail.Source, $"vcpu_avail: {avail.Text()} is not vCPUs 0 to {online - 1}; QEMU brings up the first {online}, so the guest has {online} online but not exactly those");
        }

        draft.Vcpus = online;
    }

    private static void ReadAffinity(ReadContext context)
    {
        ConfigSetting? setting = context.Settings.Get("cpus");
        if (setting is null)
        {
            return;
        }

        // A list gives one entry per vCPU; Hospes pins all vCPUs to the union.
        IReadOnlyList<ConfigValue> entries = setting.Value is ListValue list ? list.Items : [setting.Value];
        if (entries.Any(e => e is StringValue s && s.Value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var cpus = new SortedSet<int>();
        bool valid = true;
        foreach (ConfigValue entry in entries)
        {
            valid &= ReadEntry(context, entry, cpus);
        }

        if (!valid || cpus.Count == 0)
        {
            return;
        }

        context.Draft.CpuAffinity = CpuList.Format(cpus);
        int hostCpus = context.Host.CpuCount;
        int[] absent = [.. cpus.Where(c => c >= hostCpus)];
        if (absent.Length > 0)
        {
            context.HostProblem(setting.Value, $"cpus: CPU {CpuList.Format(absent)} does not exist on this host (it has CPUs {CpuList.Format(Enumerable.Range(0, hostCpus))}); change cpus or remove it");
        }
    }

    private static bool ReadEntry(ReadContext context, ConfigValue entry, SortedSet<int> cpus)
    {
        string? text = entry switch
        {
            StringValue s => s.Value.Trim(),
            NumberValue n => n.Text,
            _ => null,
        };
        if (text is null)
        {
            context.Error(entry, "cpus: entries must be strings such as '0-3'; write e.g. cpus = '0-3' or cpus = ['0', '1']");
            return false;
        }

        if (text.Length == 0)
        {
            return true;
        }

        if (text.StartsWith("node", StringComparison.OrdinalIgnoreCase))
        {
            context.Warning(entry, $"cpus: NUMA node affinity {ReadContext.Shown(entry)} is not supported yet and is ignored; list host CPUs instead, e.g. cpus = '0-3'");
            return true;
        }

        string? problem = CpuList.Parse(text, context.Host.CpuCount, cpus);
        if (problem is null)
        {
            return true;
        }

        context.Error(entry, $"cpus: {ReadContext.Shown(entry)}: {problem}");
        return false;
    }

    private static void ReadScheduling(ReadContext context)
    {
        if (context.Integer("cpu_weight", "a scheduler weight", "cpu_weight = 256") is { } weight)
        {
            if (weight.Value is < 1 or > 65535)
            {
                context.Error(weight.Source, $"cpu_weight: {weight.Value} is out of range; use 1 to 65535 (256 is the default)");
            }
            else
            {
                context.Draft.CpuWeight = (int)weight.Value;
            }
        }

        Setting<long>? cap = ReadCap(context);
        if (cap is { } c)
        {
            if (c.Value is < 0 or > int.MaxValue)
            {
                context.Error(c.Source, $"cpu_cap: {c.Value} is out of range; give a percentage of one CPU (100 = one full CPU) or 0 for no cap");
            }
            else
            {
                context.Draft.CpuCap = (int)c.Value;
            }
        }
    }

    // xm wrote cpu_cap, xl writes cap.
    private static Setting<long>? ReadCap(ReadContext context)
    {
        Setting<long>? cpuCap = context.Integer("cpu_cap", "a percentage of one CPU", "cpu_cap = 100");
        Setting<long>? cap = context.Integer("cap", "a percentage of one CPU", "cap = 100");
        if (cpuCap is not null && cap is { } xl)
        {
            context.Warning(xl.Source, "cap: both cap and cpu_cap are set; cpu_cap is used");
        }

        return cpuCap ?? cap;
    }
}
