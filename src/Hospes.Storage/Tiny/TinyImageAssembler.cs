using System.Text.Json;
using Hospes.Core.Errors;
using Hospes.Core.Processes;
using Hospes.Core.Json;
using Hospes.Storage.Tiny.Agent;
using Hospes.Storage.Tiny.Elf;
using Hospes.Storage.Tiny.Initramfs;
using Hospes.Storage.Tiny.Modules;
using Hospes.Storage.Tiny.Ssh;
using Hospes.Storage.Tiny.Tools;

namespace Hospes.Storage.Tiny;

/// <summary>Turns the downloaded packages into a finished image directory: kernel, initramfs, manifest.</summary>
internal static class TinyImageAssembler
{
    /// <summary>The directory under the work directory that becomes the image.</summary>
    public const string StagingName = "image";

    /// <summary>Unpacks the packages under <paramref name="work"/> and assembles the image in work/image.</summary>
    /// <param name="imageDir">Where the image will be installed; the manifest's paths point there.</param>
    public static async Task<Result<TinyImageManifest>> AssembleAsync(
        string work,
        TinyInputs inputs,
        TinyPackageFiles debs,
        string kernelFlavour,
        string imageDir,
        DateTimeOffset builtAt,
        IProgress<string>? progress,
        CancellationToken ct)
    {
        progress?.Report($"unpacking {inputs.Kernel.Name}, {inputs.Busybox.Name}, {string.Join(", ", inputs.Ssh.Select(p => p.Name))} and {string.Join(", ", inputs.Agent.Select(p => p.Name))}");
        string kernelRoot = Path.Combine(work, "kernel");
        string busyboxRoot = Path.Combine(work, "busybox");
        string sshRoot = Path.Combine(work, "ssh");
        string agentRoot = Path.Combine(work, "agent");
        (string Deb, string Into)[] unpacks =
            [(debs.KernelDeb, kernelRoot), (debs.BusyboxDeb, busyboxRoot), .. debs.SshDebs.Select(d => (d, sshRoot)), .. debs.AgentDebs.Select(d => (d, agentRoot))];
        foreach ((string deb, string into) in unpacks)
        {
            Result<ToolOutput> unpack = await ToolRunner.RunAsync("dpkg-deb", ["-x", deb, into], null, ct).ConfigureAwait(false);
            if (!unpack.IsOk)
            {
                return unpack.Error;
            }

            if (!unpack.Value.Succeeded)
            {
                return HospesError.Unavailable($"cannot unpack {deb}: {unpack.Value.Complaint}; delete it so the next build downloads it again");
            }
        }

        string vmlinuz = Path.Combine(kernelRoot, "boot", "vmlinuz-" + inputs.KernelVersion);
        if (!File.Exists(vmlinuz))
        {
            return HospesError.Unavailable($"{inputs.Kernel.Name} {inputs.Kernel.Version} has no boot/vmlinuz-{inputs.KernelVersion}; is it a kernel image package?");
        }

        Result<ModuleSelection> modules = await ModuleSelector.SelectAsync(
            Path.Combine(kernelRoot, "lib", "modules", inputs.KernelVersion),
            inputs.Kernel.Name,
            inputs.KernelVersion,
            TinyModules.Required,
            TinyModules.Optional,
            ct).ConfigureAwait(false);
        if (!modules.IsOk)
        {
            return modules.Error;
        }

        string absent = modules.Value.Absent.Count == 0 ? "" : $"; not in this kernel: {string.Join(", ", modules.Value.Absent)}";
        progress?.Report($"modules: {string.Join(" ", modules.Value.Modules.Select(m => m.Name))}{absent}");

        string busybox = Path.Combine(busyboxRoot, "bin", "busybox");
        Result<ToolOutput> list = await ToolRunner.RunAsync(busybox, ["--list-full"], null, ct).ConfigureAwait(false);
        if (!list.IsOk)
        {
            return list.Error;
        }

        if (!list.Value.Succeeded)
        {
            return HospesError.Unavailable($"{inputs.Busybox.Name} {inputs.Busybox.Version}: busybox --list-full failed: {list.Value.Complaint}");
        }

        string[] applets = list.Value.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Result<IReadOnlyList<ProgramFile>> ssh = await SharedLibraryResolver
            .ResolveAsync(sshRoot, Dropbear.Program, $"{Dropbear.Package} and its dependencies", ct)
            .ConfigureAwait(false);
        if (!ssh.IsOk)
        {
            return ssh.Error;
        }

        progress?.Report($"ssh: {string.Join(" ", ssh.Value.Select(f => Path.GetFileName(f.GuestPath)))}");
        Result<IReadOnlyList<ProgramFile>> agent = await SharedLibraryResolver
            .ResolveAsync(agentRoot, GuestAgent.Program, $"{GuestAgent.Package} and its dependencies", ct)
            .ConfigureAwait(false);
        if (!agent.IsOk)
        {
            return agent.Error;
        }

        // The two programs share libc and its loader (the same package versions): each file goes in once.
        var programs = ssh.Value.Concat(agent.Value).DistinctBy(f => f.GuestPath).ToList();
        progress?.Report($"guest agent: {string.Join(" ", agent.Value.Select(f => Path.GetFileName(f.GuestPath)))}");
        InitramfsArchives initramfs = await TinyInitramfs.ComposeAsync(busybox, applets, inputs.KernelVersion, modules.Value, programs, ct).ConfigureAwait(false);

        string staging = Path.Combine(work, StagingName);
        Directory.CreateDirectory(staging);
        progress?.Report("writing initramfs");
        long initrdSize = await TinyInitramfs.WriteAsync(initramfs, Path.Combine(staging, TinyGuest.InitrdFileName), ct).ConfigureAwait(false);
        File.Copy(vmlinuz, Path.Combine(staging, TinyGuest.KernelFileName));
        progress?.Report($"initramfs: {initramfs.Entries.Count()} entries, {initrdSize / 1024} KiB");

        var manifest = new TinyImageManifest
        {
            // The store names images by their directory: a second tiny image (e.g. the generic kernel's) is not "tiny".
            Name = Path.GetFileName(imageDir),
            Kernel = TinyGuest.KernelFileName,
            Initrd = TinyGuest.InitrdFileName,
            KernelVersion = inputs.KernelVersion,
            KernelPackageVersion = inputs.Kernel.Version,
            BusyboxPackageVersion = inputs.Busybox.Version,
            DropbearPackageVersion = inputs.Ssh.Single(p => p.Name == Dropbear.Package).Version,
            GuestAgentPackageVersion = inputs.Agent.Single(p => p.Name == GuestAgent.Package).Version,
            KernelFlavour = kernelFlavour,
            InputsHash = inputs.Hash,
            BuiltAt = builtAt,
        };
        var json = new FileStream(Path.Combine(staging, TinyGuest.ManifestFileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true);
        await using (json.ConfigureAwait(false))
        {
            await JsonSerializer.SerializeAsync(json, manifest, HospesJson.Indented, ct).ConfigureAwait(false);
        }

        return manifest;
    }
}
