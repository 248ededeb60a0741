using System.CommandLine;
using System.Globalization;
using Hospes.Cli.Output;
using Hospes.Client.Units;
using Hospes.Contracts;

namespace Hospes.Cli.Commands;

/// <summary>`hospes project create|list|show|set|delete`: what owns VMs, templates, disks and networks, with limits.</summary>
internal static class ProjectCommands
{
    private const long Mib = 1024 * 1024;

    public static Command Create() => new(
        "project",
        "Projects own VMs, templates, disks and networks, and limit how many VMs they define and how much memory and how many vCPUs their running VMs use\n\n"
        + "Examples:\n  hospes project create lab1 --limit vms=40 --limit memory=64G --limit vcpus=80\n  hospes --project lab1 create web.cfg\n  hospes project show lab1")
    {
        CreateCommand(), List(), Show(), Set(), Delete(),
    };

    private static Option<string[]> LimitOption() => new("--limit")
    {
        Description = "A limit: vms=N (defined VMs), memory=SIZE (e.g. 64G; of running VMs), vcpus=N (of running VMs); =none removes it (set)",
        AllowMultipleArgumentsPerToken = false,
    };

    private static Command CreateCommand()
    {
        var name = new Argument<string>("name");
        var limit = LimitOption();
        var cmd = new Command("create", "Create a project\n\nExample:\n  hospes project create lab1 --limit vms=40 --limit memory=64G --limit vcpus=80") { name, limit };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            (ProjectLimitsInfo limits, IReadOnlyList<string> unset) = Limits(p.GetValue(limit) ?? []);
            if (unset.Count > 0)
            {
                throw new CliException($"--limit {unset[0]}=none: a new project has no limits to remove; leave it out");
            }

            ProjectInfo project = await client.Projects.CreateAsync(new ProjectCreateRequest { Name = p.GetValue(name)!, Limits = limits }, ct);
            return Print(p, project, $"project {project.Name} created; limits: {LimitsText(project.Limits)}");
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "List the projects with their limits and usage\n\nExample:\n  hospes project list");
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            IReadOnlyList<ProjectInfo> all = await client.Projects.ListAsync(ct);
            if (CliContext.Json(p))
            {
                Printer.Json(all);
                return 0;
            }

            var table = new Table(("Name", false), ("VMs", true), ("Memory(MiB)", true), ("VCPUs", true), ("Objects", true));
            foreach (ProjectInfo project in all)
            {
                table.Add(
                    project.Name,
                    Used(project.Usage.Vms, project.Limits.Vms),
                    Used(project.Usage.MemoryMib, project.Limits.MemoryMib),
                    Used(project.Usage.Vcpus, project.Limits.Vcpus),
                    project.Objects.Count.ToString(CultureInfo.InvariantCulture));
            }

            Console.Out.Write(table.ToString());
            return 0;
        });
        return cmd;
    }

    private static Command Show()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("show", "Show a project: its limits, what it uses of them, and what it holds\n\nExample:\n  hospes project show lab1") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            ProjectInfo project = await client.Projects.GetAsync(p.GetValue(name)!, ct);
            if (CliContext.Json(p))
            {
                Printer.Json(project);
                return 0;
            }

            Printer.Fields([
                ("Name", project.Name),
                ("VMs", Used(project.Usage.Vms, project.Limits.Vms) + ByHost(project.Usage.VmsByHost)),
                ("Memory (MiB)", Used(project.Usage.MemoryMib, project.Limits.MemoryMib) + ByHost(project.Usage.MemoryByHost)),
                ("VCPUs", Used(project.Usage.Vcpus, project.Limits.Vcpus) + ByHost(project.Usage.VcpusByHost)),
                ("Objects", string.Join(", ", project.Objects)),
                ("Created", project.CreatedAt),
            ]);
            return 0;
        });
        return cmd;
    }

    /// <summary>In a cluster: " (host-a 1, host-b 2)", where what the limit counts is (VMs, running VMs' MiB or vCPUs).</summary>
    private static string ByHost<T>(IReadOnlyDictionary<string, T>? byHost)
        where T : IFormattable =>
        byHost is null || byHost.Count == 0 ? "" : $" ({string.Join(", ", byHost.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key} {h.Value.ToString(null, CultureInfo.InvariantCulture)}"))})";

    private static Command Set()
    {
        var name = new Argument<string>("name");
        var limit = LimitOption();
        limit.Required = true;
        var cmd = new Command("set", "Change a project's limits (those not given stay)\n\nExamples:\n  hospes project set lab1 --limit vms=41\n  hospes project set lab1 --limit memory=none") { name, limit };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            (ProjectLimitsInfo limits, IReadOnlyList<string> unset) = Limits(p.GetValue(limit) ?? []);
            ProjectInfo project = await client.Projects.SetAsync(p.GetValue(name)!, new ProjectSetRequest { Limits = limits, Unset = unset }, ct);
            return Print(p, project, $"project {project.Name}: limits: {LimitsText(project.Limits)}");
        });
        return cmd;
    }

    private static Command Delete()
    {
        var name = new Argument<string>("name");
        var cmd = new Command("delete", "Delete an empty project and the ACL entries on it\n\nExample:\n  hospes project delete lab1") { name };
        CliContext.Action(cmd, async (p, client, ct) =>
        {
            ProjectInfo project = await client.Projects.DeleteAsync(p.GetValue(name)!, ct);
            return Print(p, project, $"project {project.Name} deleted");
        });
        return cmd;
    }

    /// <summary>--limit vms=40 --limit memory=64G --limit vcpus=80 (=none: remove); a wrong one names itself and the fix.</summary>
    internal static (ProjectLimitsInfo Limits, IReadOnlyList<string> Unset) Limits(IEnumerable<string> given)
    {
        var limits = new ProjectLimitsInfo();
        var unset = new List<string>();
        foreach (string text in given)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            string key = eq < 0 ? text : text[..eq].Trim().ToLowerInvariant();
            string value = eq < 0 ? "" : text[(eq + 1)..].Trim();
            if (eq < 0 || value.Length == 0 || key is not ("vms" or "memory" or "vcpus"))
            {
                throw new CliException($"--limit '{text}' is not a limit; write vms=N, memory=SIZE (e.g. 64G) or vcpus=N");
            }

            if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                unset.Add(key);
                continue;
            }

            if (key == "memory")
            {
                if (!ByteSize.TryParse(value, "--limit memory", out long bytes, out string? error))
                {
                    throw new CliException(error);
                }

                limits = limits with { MemoryMib = bytes / Mib };
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                throw new CliException($"--limit {key}={value}: give a whole number of 0 or more, e.g. {key}=40");
            }

            limits = key == "vms" ? limits with { Vms = n } : limits with { Vcpus = n };
        }

        return (limits, unset);
    }

    private static string Used(long used, long? limit) =>
        limit is { } l ? string.Create(CultureInfo.InvariantCulture, $"{used}/{l}") : used.ToString(CultureInfo.InvariantCulture);

    private static string LimitsText(ProjectLimitsInfo l)
    {
        var parts = new List<string>();
        if (l.Vms is { } vms)
        {
            parts.Add($"vms={vms}");
        }

        if (l.MemoryMib is { } memory)
        {
            parts.Add(memory % 1024 == 0 ? $"memory={memory / 1024}G" : $"memory={memory}M");
        }

        if (l.Vcpus is { } vcpus)
        {
            parts.Add($"vcpus={vcpus}");
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static int Print(ParseResult p, ProjectInfo project, string line)
    {
        if (CliContext.Json(p))
        {
            Printer.Json(project);
        }
        else
        {
            Console.Out.WriteLine(line);
        }

        return 0;
    }
}
