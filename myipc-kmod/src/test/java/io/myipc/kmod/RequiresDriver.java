package io.myipc.kmod;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test (an assumption, so it is reported as skipped, not failed) where the myipc driver is not loaded, e.g.
 * on a build host. {@code myipc-kmod/run-java-tests} runs these tests inside the VM, where the driver is loaded and a
 * skip counts as a failure.
 */
final class RequiresDriver implements BeforeEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(KmodDevices.present() && KmodDevice.driverLoaded(), KmodDevices.NOT_LOADED);
    }
}
