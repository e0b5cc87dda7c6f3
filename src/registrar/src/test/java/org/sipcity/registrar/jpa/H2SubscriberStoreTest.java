package org.sipcity.registrar.jpa;

class H2SubscriberStoreTest extends SubscriberStoreContract {

    @Override
    protected TestDatabase database() {
        return TestDatabase.H2;
    }
}
