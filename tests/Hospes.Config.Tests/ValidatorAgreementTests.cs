using Hospes.Config.Tests.TestSupport;
using Hospes.Core.Vms;

namespace Hospes.Config.Tests;

/// <summary>
/// The config reader reports problems with file:line:col; <see cref="VmSpecValidator"/> checks a spec from anywhere.
/// Both use <see cref="SpecRules"/>, and these tests hold them to it: what the reader accepts the validator accepts, and
/// what the reader refuses the validator refuses too when a spec from elsewhere says it.
/// </summary>
public sealed class ValidatorAgreementTests
{
    private static readonly FakeHost EverythingExists = new() { AllPathsExist = true, AllPciDevicesExist = true, CpuCount = 64 };

    public static TheoryData<string> Fixtures() =>
        [.. Directory.EnumerateFiles(Configs.FixturePath(), "*.cfg", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Configs.FixturePath(), f))];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void WhatTheReaderAccepts_TheValidatorAccepts(string fixture)
    {
        ConfigReadResult result = Configs.ReadFixture(fixture.Split('/'), EverythingExists, strict: true);
        if (result.Spec is not { } spec)
        {
            return;
        }

        Assert.Empty(VmSpecValidator.Validate(spec with { Uuid = Guid.NewGuid() }, VmSpecPolicy.Anything(fixture)));
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        { "disk = [ '/x.img,raw,/initrd,w' ]", "disk", "'/initrd'" },
        { "disk = [ '/x.img,raw,xvda,w', '/y.img,raw,xvda,w' ]", "disk", "vdev xvda" },
        { "disk = [ 'image:../../etc,raw,xvda,w' ]", "disk", "image:" },
        { "kernel = 'image:a/b'", "kernel", "does not name a store image" },
        { "vif = [ 'mac=01:00:5e:00:00:01' ]", "vif", "mac" },
        { "vif = [ 'model=tulip' ]", "vif", "model" },
        { "vif = [ 'ip=10.0.0.300' ]", "vif", "ip" },
        { "vif = [ 'bridge=../br0' ]", "vif", "bridge" },
        { "vif = [ 'vifname=a-very-long-tap-name' ]", "vif", "vifname" },
        { "machine = 'virt'", "machine", "'virt'" },
        { "type = 'hvm'\nboot = 'cz'", "boot", "'cz'" },
        { "cpus = '0-2147483647'", "cpus", "0-2147483647" },
        { "vcpus = 5000", "vcpus", "5000" },
        { "memory = 8", "memory", "8 MiB" },
        { "memory = 512\nmaxmem = 256", "maxmem", "256 MiB" },
        { "name = '-web'", "name", "'-web'" },
        { "cpu_weight = 70000", "cpu_weight", "70000" },
    };

    /// <summary>The same bad value, once in a config file and once in a spec that came from elsewhere.</summary>
    [Theory]
    [MemberData(nameof(Refusals))]
    public void WhatTheReaderRefuses_TheValidatorRefuses(string lines, string subject, string value)
    {
        ConfigReadResult read = Configs.Read(Configs.Minimal + lines + "\n", EverythingExists, strict: true);
        Assert.Contains(read.Errors(), e => e.Contains(value, StringComparison.Ordinal));

        VmSpec spec = AsFromElsewhere(lines);
        Assert.Contains(VmSpecValidator.Validate(spec, VmSpecPolicy.Anything("a peer")), p => p.Subject.StartsWith(subject, StringComparison.Ordinal) && p.Message.Contains(value, StringComparison.Ordinal));
    }

    /// <summary>A good spec carrying the bad value as a peer or a save file would send it (no reader in between).</summary>
    private static VmSpec AsFromElsewhere(string lines)
    {
        VmSpec good = Configs.Read(Configs.Minimal, EverythingExists, strict: true).Spec! with { Uuid = Guid.NewGuid() };
        DiskSpec Disk(string target, string vdev) => new() { Target = target, Vdev = vdev };
        return lines switch
        {
            _ when lines.Contains("/initrd", StringComparison.Ordinal) => good with { Disks = [Disk("/x.img", "/initrd")] },
            _ when lines.Contains("'/y.img", StringComparison.Ordinal) => good with { Disks = [Disk("/x.img", "xvda"), Disk("/y.img", "xvda")] },
            _ when lines.StartsWith("disk = [ 'image:", StringComparison.Ordinal) => good with { Disks = [Disk("image:../../etc", "xvda")] },
            _ when lines.StartsWith("kernel", StringComparison.Ordinal) => good with { Kernel = "image:a/b" },
            _ when lines.Contains("mac=", StringComparison.Ordinal) => good with { Vifs = [new VifSpec { Mac = "01:00:5e:00:00:01" }] },
            _ when lines.Contains("model=", StringComparison.Ordinal) => good with { Vifs = [new VifSpec { Model = "tulip" }] },
            _ when lines.Contains("ip=", StringComparison.Ordinal) => good with { Vifs = [new VifSpec { Ip = "10.0.0.300" }] },
            _ when lines.Contains("bridge=", StringComparison.Ordinal) => good with { Vifs = [new VifSpec { Bridge = "../br0" }] },
            _ when lines.Contains("vifname=", StringComparison.Ordinal) => good with { Vifs = [new VifSpec { VifName = "a-very-long-tap-name" }] },
            _ when lines.StartsWith("machine", StringComparison.Ordinal) => good with { Machine = "virt" },
            _ when lines.Contains("boot =", StringComparison.Ordinal) => good with { Boot = BootMode.Hvm, BootOrder = "cz" },
            _ when lines.StartsWith("cpus", StringComparison.Ordinal) => good with { CpuAffinity = "0-2147483647" },
            _ when lines.StartsWith("vcpus", StringComparison.Ordinal) => good with { Vcpus = 5000, MaxVcpus = 5000 },
            _ when lines.Contains("maxmem", StringComparison.Ordinal) => good with { MemoryMib = 512, MaxMemoryMib = 256 },
            _ when lines.StartsWith("memory", StringComparison.Ordinal) => good with { MemoryMib = 8, MaxMemoryMib = 8 },
            _ when lines.StartsWith("name", StringComparison.Ordinal) => good with { Name = "-web" },
            _ when lines.StartsWith("cpu_weight", StringComparison.Ordinal) => good with { CpuWeight = 70000 },
            _ => throw new ArgumentException($"no spec for '{lines}'", nameof(lines)),
        };
    }
}
