package io.accrue.common;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.time.RecordedData;

/** The sample service's recorded data: whatever the test says was recorded last. */
@ApplicationScoped
public class TestRecordedData implements RecordedData {

    static final AtomicReference<Mark> LATEST = new AtomicReference<>();

    @Override
    public Optional<Mark> latest() {
        return Optional.ofNullable(LATEST.get());
    }
}
