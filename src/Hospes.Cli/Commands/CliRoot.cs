using System.CommandLine;

namespace Hospes.Cli.Commands;

/// <summary>`hospes` and every command under it.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand(
            "hospes: run virtual machines from Xen-style config files on QEMU.\n\n"
            + "Examples:\n  hospes create web.cfg\n  hospes list\n  hospes console web\n  hospes shutdown web")
        {
            CliContext.Socket,
            CliContext.Remote,
            CliContext.Format,
            CliContext.Project,
        };
        foreach (Command command in VmCommands.All())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ConsoleCommand.Create());
        root.Subcommands.Add(VncCommand.Create());
        root.Subcommands.Add(GuestCommands.Create());
        foreach (Command command in XlCommands.All())
        {
            root.Subcommands.Add(command);
        }
        root.Subcommands.Add(ConfigCommands.Create());
        root.Subcommands.Add(HostCommands.Create());
        root.Subcommands.Add(ImageCommands.Create());
        root.Subcommands.Add(DiskCommands.Create());
        root.Subcommands.Add(TemplateCommands.Create());
        root.Subcommands.Add(CloneCommand.Create());
        root.Subcommands.Add(ForkCommand.Create());
        root.Subcommands.Add(SnapshotCommands.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(CertificateCommands.Create());
        foreach (Command command in AccessCommands.All())
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(RemoteCommands.Create());
        root.Subcommands.Add(EventCommands.Create());
        root.Subcommands.Add(ProjectCommands.Create());
        root.Subcommands.Add(ClusterCommands.Create());
        foreach (Command command in NetworkCommands.All().Concat(MemoryCommands.All()))
        {
            root.Subcommands.Add(command);
        }

        foreach (Command command in VcpuCommands.All().Concat(BlockCommands.All()))
        {
            root.Subcommands.Add(command);
        }

        foreach (Command command in VifCommands.All())
        {
            root.Subcommands.Add(command);
        }

        foreach (Command command in SchedCommands.All())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
