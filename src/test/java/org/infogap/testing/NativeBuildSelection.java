package org.infogap.testing;

import org.infogap.model.NativeBuild;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Tests load the same native build as the command line: chosen before the first test class touches ND4J. */
public final class NativeBuildSelection implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeBuild.select();
    }
}
