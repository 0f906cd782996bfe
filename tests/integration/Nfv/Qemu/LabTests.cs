using System.Security.Cryptography;
using System.Text;
using Console.Nfv.Qemu;
using Console.Nfv.Qemu.Migrating;
using Console.Nfv.Qemu.Snapshots;
using Console.Testing;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Nfv.Qemu;

/// <summary>
/// Real virtual machines under QEMU (TCG), driven through QMP: lifecycle, live migration over TLS with certificates
/// from the console's CA, an unencrypted channel refused, memory snapshots encrypted on the console's side of the
/// stream and restored onto another host. The guest writes a counter on its serial line; where its memory goes, the
/// count goes on.
/// </summary>
public sealed class LabTests(LabHosts lab) : IClassFixture<LabHosts>
{
    private const string Marker = "VNF-LAB-GUEST-MEMORY-MARKER";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<long?> CounterAtLeast(QemuMachine machine, long value, string what) =>
        Eventually.Until(() => Task.FromResult(machine.LastCounter()), c => c >= value, what, TimeSpan.FromSeconds(90));

    private async Task<QemuMachine> BootAsync(QemuHost host, string name)
    {
        var machine = await QemuMachine.StartAsync(host, name, lab.Guest, incoming: false, Ct);
        try
        {
            await CounterAtLeast(machine, 3, $"{name} to boot and count");
            return machine;
        }
        catch
        {
            // A machine that did not boot in time is not the caller's to end: end it here, or it runs on after the test
            // (CI on a loaded machine left two such guests using CPU for an hour and a half).
            await machine.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Lab_Lifecycle_PauseResumeRestartStop_AreWhatTheGuestLives()
    {
        await using var vm = await BootAsync(lab.A, "lifecycle");

        await vm.PauseAsync(Ct);
        (await vm.StatusAsync(Ct)).ShouldBe("paused");
        var paused = vm.LastCounter();
        await Task.Delay(TimeSpan.FromSeconds(1), Ct); // a paused guest must not count on: the time is the point here
        vm.LastCounter().ShouldBe(paused);

        await vm.ResumeAsync(Ct);
        (await vm.StatusAsync(Ct)).ShouldBe("running");
        await CounterAtLeast(vm, paused!.Value + 2, "the resumed guest to count on");

        // A restart boots the guest again: its memory is gone, so the count begins anew.
        var before = vm.LastCounter()!.Value;
        await vm.ResetAsync(Ct);
        await Eventually.Until(() => Task.FromResult(vm.LastCounter()), c => c < before, "the restarted guest to count from the beginning", TimeSpan.FromSeconds(90));

        await vm.StopAsync(Ct);
        vm.HasExited.ShouldBeTrue();
    }

    [Fact]
    public async Task Lab_MigrationOverTls_GuestCounterContinuesOnTheTarget_DowntimeMeasured()
    {
        await using var source = await BootAsync(lab.A, "mig-src");
        await using var target = await QemuMachine.StartAsync(lab.B, "mig-dst", lab.Guest, incoming: true, Ct);
        var beforeMove = source.LastCounter()!.Value;

        var outcome = await LiveMigration.MigrateAsync(source, target, LabHosts.FreePort(), Ct);

        (await source.StatusAsync(Ct)).ShouldBe("postmigrate");
        (await target.StatusAsync(Ct)).ShouldBe("running");
        outcome.TransferredBytes.ShouldBeGreaterThan(0);
        outcome.Total.ShouldBeGreaterThan(TimeSpan.Zero);
        outcome.Downtime.ShouldBeGreaterThanOrEqualTo(TimeSpan.Zero);
        // The target never booted: the first count it writes follows the source's, from the memory that moved.
        var first = await Eventually.Until(() => Task.FromResult(target.LastCounter()), c => c is not null, "the target to count", TimeSpan.FromSeconds(60));
        first!.Value.ShouldBeGreaterThan(beforeMove);
        await source.StopAsync(Ct);
    }

    [Fact]
    public async Task Lab_UnencryptedChannelRefused_BeforeAnyStateMoves()
    {
        await using var source = await BootAsync(lab.A, "plain-src");
        await using var target = await QemuMachine.StartAsync(lab.WithoutCertificate, "plain-dst", lab.Guest, incoming: true, Ct);

        var refused = await Should.ThrowAsync<MigrationChannelRefusedException>(() => LiveMigration.MigrateAsync(source, target, LabHosts.FreePort(), Ct));

        refused.Message.ShouldBe(
            $"Host host-c holds no migration certificate from the console's CA ({lab.WithoutCertificate.TlsFolder}); an unencrypted migration channel is refused.");
        (await source.StatusAsync(Ct)).ShouldBe("running");
        (await source.Monitor.ExecuteAsync("query-migrate", null, Ct))!.AsObject().ContainsKey("status").ShouldBeFalse("no migration was ever started");
        (await target.StatusAsync(Ct)).ShouldBe("inmigrate");
    }

    [Fact]
    public async Task Lab_SnapshotEncrypted_TheFileHoldsNoPlaintextOfTheGuestsMemory()
    {
        await using var vm = await BootAsync(lab.A, "snap");
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Path.Combine(lab.A.Folder, "snap.state");

        var snapshot = await MemorySnapshot.TakeAsync(vm, path, "dk-test-snap", key, Ct);

        snapshot.StateBytes.ShouldBeGreaterThan(1_000_000);
        snapshot.ContentDigest.ShouldBe("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        Contains(File.ReadAllBytes(path), Marker).ShouldBeFalse("the marker the guest keeps in memory is on disk in plaintext");
        // The control: the state the file opens to does hold the marker, so the check above can fail.
        using var clear = new MemoryStream();
        await using (var file = File.OpenRead(path))
            await EncryptedStateFile.ReadAsync(file, clear, "dk-test-snap", key, Ct);
        Contains(clear.ToArray(), Marker).ShouldBeTrue();
        // Snapshotted, the machine goes on running.
        (await vm.StatusAsync(Ct)).ShouldBe("running");
        await CounterAtLeast(vm, vm.LastCounter()!.Value + 2, "the snapshotted guest to count on");
    }

    [Fact]
    public async Task Lab_Restore_OntoAnotherHost_ContinuesFromTheSnapshot_WrongKeyAndChangedFileRefused()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = Path.Combine(lab.A.Folder, "restore.state");
        long atSnapshot;
        await using (var vm = await BootAsync(lab.A, "orig"))
        {
            await vm.PauseAsync(Ct);
            atSnapshot = vm.LastCounter()!.Value;
            await MemorySnapshot.TakeAsync(vm, path, "dk-test-restore", key, Ct);
            await vm.StopAsync(Ct);
        }

        await using (var restored = await MemorySnapshot.RestoreAsync(lab.B, "restored", lab.Guest, path, "dk-test-restore", key, Ct))
        {
            // Paused when snapshotted, restored paused; resumed, it counts on from the snapshot's count.
            (await restored.StatusAsync(Ct)).ShouldBe("paused");
            await restored.ResumeAsync(Ct);
            var first = await Eventually.Until(() => Task.FromResult(restored.LastCounter()), c => c is not null, "the restored guest to count", TimeSpan.FromSeconds(60));
            first!.Value.ShouldBeGreaterThan(atSnapshot);
        }

        var wrongKey = await Should.ThrowAsync<InvalidDataException>(() =>
            MemorySnapshot.RestoreAsync(lab.B, "wrong-key", lab.Guest, path, "dk-test-restore", RandomNumberGenerator.GetBytes(32), Ct));
        wrongKey.Message.ShouldBe("chunk 0 does not open with data key 'dk-test-restore': wrong key, or the file was changed");

        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var changed = await Should.ThrowAsync<InvalidDataException>(() =>
            MemorySnapshot.RestoreAsync(lab.B, "changed", lab.Guest, path, "dk-test-restore", key, Ct));
        changed.Message.ShouldEndWith("does not open with data key 'dk-test-restore': wrong key, or the file was changed");
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle)) >= 0;
}
